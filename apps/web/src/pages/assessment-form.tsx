import type { RecordAssessmentRequest, RecordAssessmentResult } from '@tracker/contracts';
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiProblem } from '../api';
import { useApp } from '../app-context';
import {
  type AssessmentDraft,
  type DraftErrors,
  type DraftField,
  emptyDraft,
  fieldOfPath,
  validateDraft,
} from '../assessment-draft';
import { type ControlProps, Field } from '../components/field';
import { FormProblem } from '../components/problem-message';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { ASSESSMENT_STATUSES } from '../items';

const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/** A fresh key per intended write: a retry of the same submission replays, never records twice. */
const newIdempotencyKey = (): string => crypto.randomUUID();

type Outcome = { kind: 'recorded' } | { kind: 'unchanged' } | { kind: 'problem'; problem: ApiProblem } | null;

export const AssessmentForm = ({
  target,
  onRecorded,
}: {
  target: RecordAssessmentRequest['target'];
  onRecorded: () => void;
}) => {
  const { t, label } = useI18n();
  const { api } = useApp();
  const [draft, setDraft] = useState<AssessmentDraft>(() => emptyDraft(todayUtc()));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [sending, setSending] = useState(false);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);

  const message = (field: DraftField): string | null => {
    const e = errors[field];
    if (e === undefined) return null;
    return typeof e === 'string' ? e : t(e.key, e.params);
  };

  const focusFirstError = (found: DraftErrors): void => {
    const first = (Object.keys(draft) as DraftField[]).find((f) => found[f] !== undefined);
    if (first) document.getElementById(`assess-${first}`)?.focus();
  };

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setOutcome(null);
    const checked = validateDraft(draft, target, todayUtc());
    if ('errors' in checked) {
      setErrors(checked.errors);
      focusFirstError(checked.errors);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      const res = await api.post<RecordAssessmentResult>('/api/assessments', checked.request, {
        'Idempotency-Key': idempotencyKey,
      });
      setOutcome({ kind: res.body.recorded ? 'recorded' : 'unchanged' });
      setDraft(emptyDraft(todayUtc()));
      setIdempotencyKey(newIdempotencyKey());
      onRecorded();
    } catch (err) {
      const problem = err instanceof ApiProblem ? err : new ApiProblem(0, 'client', 'error', null, []);
      // The API's field errors go next to their fields; the rest is said once above the form.
      const atFields: DraftErrors = {};
      for (const fe of problem.errors) {
        const field = fieldOfPath(fe.path);
        if (field) atFields[field] = fe.message;
      }
      setErrors(atFields);
      setOutcome({ kind: 'problem', problem });
      focusFirstError(atFields);
    } finally {
      setSending(false);
    }
  };

  const field = (
    name: DraftField,
    labelKey: MessageKey,
    input: (
      props: ControlProps & { value: string; onInput: (e: { currentTarget: { value: string } }) => void },
    ) => JSX.Element,
  ) => (
    <Field
      id={`assess-${name}`}
      name={name}
      label={t(labelKey)}
      error={message(name)}
      // The API's own field messages are English; the form's own are in the reader's language.
      errorLang={typeof errors[name] === 'string' ? 'en' : undefined}
      control={(props) =>
        input({
          ...props,
          value: draft[name],
          onInput: (e) => setDraft({ ...draft, [name]: e.currentTarget.value }),
        })
      }
    />
  );

  return (
    <form class="assess" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="assess-title">
      <h2 id="assess-title">{t('assess.title')}</h2>
      {Object.keys(errors).length > 0 && outcome?.kind !== 'problem' && (
        <p class="problem" role="alert">
          {t('assess.fix')}
        </p>
      )}
      {outcome?.kind === 'problem' && <FormProblem problem={outcome.problem} />}
      {outcome?.kind === 'recorded' && <p role="status">{t('assess.recorded')}</p>}
      {outcome?.kind === 'unchanged' && <p role="status">{t('assess.unchanged')}</p>}
      {field('status', 'assess.status', (p) => (
        <select {...p} onChange={p.onInput} required>
          <option value="">{t('assess.chooseStatus')}</option>
          {ASSESSMENT_STATUSES.map((s) => (
            <option value={s} key={s}>
              {label('status', s)}
            </option>
          ))}
        </select>
      ))}
      {field('assessedOn', 'assess.assessedOn', (p) => (
        <input type="date" max={todayUtc()} required {...p} />
      ))}
      {field('note', 'assess.note', (p) => (
        <textarea rows={3} {...p} />
      ))}
      <fieldset>
        <legend>{t('assess.evidence')}</legend>
        {field('evidenceSource', 'assess.evidenceSource', (p) => (
          <input {...p} />
        ))}
        {field('evidenceSummary', 'assess.evidenceSummary', (p) => (
          <textarea rows={2} {...p} />
        ))}
        {field('evidenceCitation', 'assess.evidenceCitation', (p) => (
          <input {...p} />
        ))}
        {field('evidenceDate', 'assess.evidenceDate', (p) => (
          <input type="date" {...p} />
        ))}
        {field('evidenceLink', 'assess.evidenceLink', (p) => (
          <input type="url" {...p} />
        ))}
      </fieldset>
      <button type="submit" disabled={sending}>
        {sending ? t('assess.sending') : t('assess.submit')}
      </button>
    </form>
  );
};
