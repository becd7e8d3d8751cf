import type { ImportReportBody } from '@tracker/contracts';
import { useState } from 'preact/hooks';
import { type ApiProblem, problemOfError } from '../api';
import { useApp } from '../app-context';
import { FormProblem } from '../components/problem-message';
import { useI18n } from '../i18n/i18n';

/** The API's limit (MAX_IMPORT_BYTES): refused before the upload rather than after it. */
const MAX_BYTES = 40 * 1024 * 1024;
const ACCEPT = '.xlsx,.csv,.tsv,.txt,.jsonl,.json';

type Phase =
  | { kind: 'idle' }
  | { kind: 'sending'; dryRun: boolean; sent: number }
  | { kind: 'report'; report: ImportReportBody; file: File }
  | { kind: 'problem'; problem: ApiProblem };

/** Counts and refused rows of a report: what a dry run says would happen, or what the import did. */
const Report = ({ report }: { report: ImportReportBody }) => {
  const { t, number } = useI18n();
  return (
    <section aria-labelledby="report-title" data-report={report.dryRun ? 'dry-run' : 'import'}>
      <h2 id="report-title">{t(report.dryRun ? 'import.dryRunTitle' : 'import.doneTitle')}</h2>
      <dl class="facts">
        <dt>{t('import.read')}</dt>
        <dd data-count="read">{number(report.read)}</dd>
        <dt>{t(report.dryRun ? 'import.wouldCreate' : 'import.created')}</dt>
        <dd data-count="created">{number(report.created)}</dd>
        <dt>{t('import.unchanged')}</dt>
        <dd data-count="unchanged">{number(report.unchanged)}</dd>
        <dt>{t('import.rejected')}</dt>
        <dd data-count="rejected">{number(report.rejected.length)}</dd>
      </dl>
      {report.rejected.length > 0 && (
        <table class="items rejected">
          <caption>{t('import.rejectedRows')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('import.row')}</th>
              <th scope="col">{t('import.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {report.rejected.map((r) => (
              <tr key={r.row} data-row={r.row}>
                <td>{number(r.row)}</td>
                {/* The API's reasons are in English. */}
                <td lang="en">{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};

/**
 * `/import` (secretariat): a UHRI export (XLSX), the research CSV/TSV or JSON lines. A dry run first
 * (nothing written: counts and the rows refused, with why), then the import of the same file with the
 * upload's progress; the import is idempotent by each row's key, so a second run adds nothing.
 */
export const ImportPage = () => {
  const { t } = useI18n();
  const { api } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  const send = async (dryRun: boolean): Promise<void> => {
    if (!file) {
      setFileError(t('import.chooseFile'));
      document.getElementById('import-file')?.focus();
      return;
    }
    if (file.size > MAX_BYTES) {
      setFileError(t('import.tooLarge', { max: 40 }));
      return;
    }
    setFileError(null);
    setPhase({ kind: 'sending', dryRun, sent: 0 });
    const form = new FormData();
    form.append('file', file);
    try {
      const report = await api.upload<ImportReportBody>(
        `/api/recommendations/import?dryRun=${dryRun}`,
        form,
        dryRun ? {} : { 'Idempotency-Key': idempotencyKey },
        (sent) => setPhase({ kind: 'sending', dryRun, sent }),
      );
      if (!dryRun) setIdempotencyKey(crypto.randomUUID());
      setPhase({ kind: 'report', report, file });
    } catch (err) {
      setPhase({
        kind: 'problem',
        problem: problemOfError(err),
      });
    }
  };

  // The import is offered for the file a dry run just checked, and only if it would add something.
  const checked =
    phase.kind === 'report' && phase.report.dryRun && phase.file === file && phase.report.created > 0;
  return (
    <>
      <h1>{t('import.title')}</h1>
      <p>{t('import.intro')}</p>
      <form class="import" noValidate onSubmit={(e) => e.preventDefault()}>
        <div class={fileError ? 'field invalid' : 'field'}>
          <label for="import-file">{t('import.file')}</label>
          <input
            id="import-file"
            type="file"
            accept={ACCEPT}
            aria-invalid={fileError !== null}
            aria-describedby={fileError ? 'import-file-error' : 'import-file-hint'}
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setPhase({ kind: 'idle' });
            }}
          />
          <p id="import-file-hint" class="hint">
            {t('import.fileHint')}
          </p>
          {fileError && (
            <p id="import-file-error" class="field-error" data-field-error="file">
              {fileError}
            </p>
          )}
        </div>
        <button
          type="button"
          id="import-dry-run"
          disabled={phase.kind === 'sending'}
          onClick={() => void send(true)}
        >
          {t('import.dryRun')}
        </button>{' '}
        <button
          type="button"
          id="import-run"
          class="primary"
          disabled={!checked}
          aria-describedby="import-run-hint"
          onClick={() => void send(false)}
        >
          {t('import.run')}
        </button>
        <p id="import-run-hint" class="hint">
          {t('import.runHint')}
        </p>
      </form>
      {phase.kind === 'sending' && (
        <div role="status" data-sending={phase.dryRun ? 'dry-run' : 'import'}>
          <label for="import-progress">
            {phase.sent < 1
              ? t('import.uploading')
              : t(phase.dryRun ? 'import.checking' : 'import.importing')}
          </label>{' '}
          {/* The upload is measured; the server's work after it is not (no value: indeterminate). */}
          {phase.sent < 1 ? (
            <progress id="import-progress" max={1} value={phase.sent} />
          ) : (
            <progress id="import-progress" />
          )}
        </div>
      )}
      {phase.kind === 'problem' && <FormProblem problem={phase.problem} />}
      {phase.kind === 'report' && <Report report={phase.report} />}
    </>
  );
};
