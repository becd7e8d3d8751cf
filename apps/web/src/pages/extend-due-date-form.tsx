import type { CommitmentAnswerBody, CommitmentUpdateResult, ExtendDueDateRequest } from '@tracker/contracts';
import { useState } from 'preact/hooks';
import { ApiProblem } from '../api';
import { useApp } from '../app-context';
import { Field } from '../components/field';
import { FormProblem } from '../components/problem-message';
import { useLoad } from '../components/use-load';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';

type Commitment = CommitmentAnswerBody;
/** The form's own message (in the reader's language) or the API's (English). */
type FieldError = { readonly key: MessageKey } | { readonly api: string };
type Errors = Partial<Record<'dueDate' | 'reason', FieldError>>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_REASON = 2000;
/** Compared as the API compares due dates: a date is due by the end of that day, UTC. */
const dueInstant = (due: string): number => Date.parse(ISO_DATE.test(due) ? `${due}T23:59:59.999Z` : due);

const check = (dueDate: string, reason: string, current: Commitment): Errors => {
  const errors: Errors = {};
  if (!dueDate) errors.dueDate = { key: 'error.required' };
  else if (!ISO_DATE.test(dueDate) || Number.isNaN(Date.parse(`${dueDate}T00:00:00Z`)))
    errors.dueDate = { key: 'error.date' };
  else if (dueInstant(dueDate) <= dueInstant(current.dueDate)) errors.dueDate = { key: 'extend.later' };
  if (!reason.trim()) errors.reason = { key: 'error.required' };
  else if (reason.trim().length > MAX_REASON) errors.reason = { key: 'extend.reasonTooLong' };
  return errors;
};

type Outcome =
  | { kind: 'done' }
  /** The commitment changed after the page read it: what it is now, and the change not applied. */
  | { kind: 'stale'; now: Commitment; request: ExtendDueDateRequest }
  | { kind: 'problem'; problem: ApiProblem }
  | null;

/**
 * Extends a commitment's due date with a reason. The write names the version the reader saw
 * (If-Match): if someone changed the commitment since, the API answers 412 and the form says what it
 * is now and offers to apply the same change to it, rather than overwriting what the reader never saw.
 */
export const ExtendDueDateForm = ({
  commitmentId,
  onChanged,
}: {
  commitmentId: string;
  onChanged: () => void;
}) => {
  const { t, label, date, language } = useI18n();
  const { api } = useApp();
  const commitment = useLoad(`commitment|${commitmentId}|${language}`, (signal) =>
    api.get<Commitment>(`/api/commitments/${commitmentId}`, signal),
  );
  const [dueDate, setDueDate] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [sending, setSending] = useState(false);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  if (commitment.state !== 'ok') return null;
  const current = commitment.data;
  if (current.status === 'fulfilled' || current.status === 'withdrawn') return null;

  const send = async (request: ExtendDueDateRequest, version: number): Promise<void> => {
    setSending(true);
    setOutcome(null);
    try {
      await api.post<CommitmentUpdateResult>(
        `/api/commitments/${commitmentId}/due-date-extensions`,
        request,
        {
          'If-Match': `"${version}"`,
          'Idempotency-Key': idempotencyKey,
        },
      );
      setOutcome({ kind: 'done' });
      setDueDate('');
      setReason('');
      setIdempotencyKey(crypto.randomUUID());
      commitment.reload();
      onChanged();
    } catch (err) {
      const problem = err instanceof ApiProblem ? err : new ApiProblem(0, 'client', 'error', null, []);
      if (problem.status === 412) {
        // A new attempt on another version is another write: it gets a key of its own.
        const now = await api.get<Commitment>(`/api/commitments/${commitmentId}`).catch(() => null);
        setIdempotencyKey(crypto.randomUUID());
        setOutcome(now ? { kind: 'stale', now, request } : { kind: 'problem', problem });
      } else {
        const atFields: Errors = {};
        for (const fe of problem.errors)
          if (fe.path === 'dueDate' || fe.path === 'reason') atFields[fe.path] = { api: fe.message };
        setErrors(atFields);
        setOutcome({ kind: 'problem', problem });
      }
    } finally {
      setSending(false);
    }
  };

  const submit = (e: Event): void => {
    e.preventDefault();
    const found = check(dueDate, reason, current);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      document.getElementById(found.dueDate ? 'extend-dueDate' : 'extend-reason')?.focus();
      return;
    }
    void send({ dueDate, reason: reason.trim() }, current.version);
  };

  const errorOf = (field: keyof Errors): string | null => {
    const e = errors[field];
    if (e === undefined) return null;
    return 'key' in e ? t(e.key) : e.api;
  };
  const langOf = (field: keyof Errors): string | undefined => {
    const e = errors[field];
    return e && 'api' in e ? 'en' : undefined;
  };

  return (
    <form class="extend" noValidate onSubmit={submit} aria-labelledby="extend-title">
      <h2 id="extend-title">{t('extend.title')}</h2>
      <p data-current-due={current.dueDate}>{t('extend.current', { date: date(current.dueDate) })}</p>
      {outcome?.kind === 'done' && <p role="status">{t('extend.done')}</p>}
      {outcome?.kind === 'problem' && <FormProblem problem={outcome.problem} />}
      {outcome?.kind === 'stale' && (
        <div class="problem" role="alert" data-stale>
          <p>
            {t('extend.stale', {
              date: date(outcome.now.dueDate),
              status: label('status', outcome.now.status),
            })}
          </p>
          <button
            type="button"
            disabled={sending}
            onClick={() => {
              commitment.reload();
              void send(outcome.request, outcome.now.version);
            }}
          >
            {t('extend.reapply')}
          </button>
        </div>
      )}
      <Field
        id="extend-dueDate"
        name="dueDate"
        label={t('extend.newDueDate')}
        error={errorOf('dueDate')}
        errorLang={langOf('dueDate')}
        control={(p) => (
          <input type="date" {...p} value={dueDate} onInput={(e) => setDueDate(e.currentTarget.value)} />
        )}
      />
      <Field
        id="extend-reason"
        name="reason"
        label={t('extend.reason')}
        error={errorOf('reason')}
        errorLang={langOf('reason')}
        control={(p) => (
          <textarea rows={2} {...p} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        )}
      />
      <button type="submit" disabled={sending}>
        {sending ? t('assess.sending') : t('extend.submit')}
      </button>
    </form>
  );
};
