import type { CommitmentAnswerBody, CommitmentUpdateResult } from '@tracker/contracts';
import type { ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import { ApiProblem } from '../api';
import { useApp } from '../app-context';
import { Field } from '../components/field';
import { FormProblem } from '../components/problem-message';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';

export type Commitment = CommitmentAnswerBody;
/** A field's error: the form's own message (in the reader's language) or the API's (English). */
export type FieldError =
  { readonly key: MessageKey; readonly params?: Record<string, number> } | { readonly api: string };

/** One input of a change form: its API name (the problem+json `errors[].path`) and how it is typed. */
export interface ChangeField {
  readonly name: string;
  readonly label: MessageKey;
  readonly control: 'date' | 'text' | 'textarea' | 'url';
  /** What the field starts with (a date defaults to today, for instance). */
  readonly initial?: string;
}

export type Values = Readonly<Record<string, string>>;
export type Checked<R> = { readonly request: R } | { readonly errors: Readonly<Record<string, FieldError>> };

/** Each change's own parts: where it is sent, what it asks, how it is checked before sending. */
export interface ChangeSpec<R> {
  /** The form's id prefix and class (`extend`, `fulfil`, ...): fields are `<id>-<name>`. */
  readonly id: string;
  readonly title: MessageKey;
  readonly submit: MessageKey;
  readonly done: MessageKey;
  /** Under `/api/commitments/<id>/`. */
  readonly path: string;
  readonly fields: readonly ChangeField[];
  /** The API's rules, checked before the round trip; the API still decides. */
  readonly check: (values: Values, current: Commitment) => Checked<R>;
  /** Shown above the fields: the commitment as the page read it. */
  readonly intro?: (current: Commitment) => ComponentChild;
  /** Whether the change applies to the commitment as it is (a fulfilled one is not extended). */
  readonly applies: (current: Commitment) => boolean;
}

type Outcome<R> =
  | { kind: 'done' }
  /** The commitment changed after the page read it: what it is now, and the change not applied. */
  | { kind: 'stale'; now: Commitment; request: R }
  | { kind: 'problem'; problem: ApiProblem }
  | null;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar day: Date.parse takes 2025-02-30 for 2 March, so the day must survive a round trip. */
export const isIsoDate = (s: string): boolean => {
  if (!ISO_DATE.test(s)) return false;
  const at = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === s;
};
export const today = (): string => new Date().toISOString().slice(0, 10);

/**
 * A change to a commitment (extend its due date, mark it fulfilled, withdraw it, record that it
 * lapsed): checked before sending, sent with the version the reader saw (If-Match) and an
 * Idempotency-Key (one per intended write, kept across retries of it). The API's field errors are
 * shown at the field they name. If someone changed the commitment since, the API answers 412 and the
 * form says what it is now and offers to apply the same change to it, never overwriting silently.
 */
export const CommitmentChangeForm = <R,>({
  current,
  spec,
  onChanged,
}: {
  /** The commitment as the page read it (its version goes in If-Match). */
  current: Commitment;
  spec: ChangeSpec<R>;
  /** Reads the commitment (and the item) again after a change. */
  onChanged: () => void;
}) => {
  const { t, label, date } = useI18n();
  const { api } = useApp();
  const commitmentId = current.commitmentId;
  const initial = (): Record<string, string> =>
    Object.fromEntries(spec.fields.map((f) => [f.name, f.initial ?? '']));
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [errors, setErrors] = useState<Readonly<Record<string, FieldError>>>({});
  const [outcome, setOutcome] = useState<Outcome<R>>(null);
  const [sending, setSending] = useState(false);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  const send = async (request: R, version: number): Promise<void> => {
    setSending(true);
    setOutcome(null);
    try {
      await api.post<CommitmentUpdateResult>(`/api/commitments/${commitmentId}/${spec.path}`, request, {
        'If-Match': `"${version}"`,
        'Idempotency-Key': idempotencyKey,
      });
      setOutcome({ kind: 'done' });
      setValues(initial());
      setIdempotencyKey(crypto.randomUUID());
      onChanged();
    } catch (err) {
      const problem = err instanceof ApiProblem ? err : new ApiProblem(0, 'client', 'error', null, []);
      if (problem.status === 412) {
        // A new attempt on another version is another write: it gets a key of its own.
        const now = await api.get<Commitment>(`/api/commitments/${commitmentId}`).catch(() => null);
        setIdempotencyKey(crypto.randomUUID());
        setOutcome(now ? { kind: 'stale', now, request } : { kind: 'problem', problem });
      } else {
        const atFields: Record<string, FieldError> = {};
        for (const fe of problem.errors)
          if (spec.fields.some((f) => f.name === fe.path)) atFields[fe.path] = { api: fe.message };
        setErrors(atFields);
        setOutcome({ kind: 'problem', problem });
      }
    } finally {
      setSending(false);
    }
  };

  const submit = (e: Event): void => {
    e.preventDefault();
    const checked = spec.check(values, current);
    if ('errors' in checked) {
      setErrors(checked.errors);
      const first = spec.fields.find((f) => checked.errors[f.name]);
      if (first) document.getElementById(`${spec.id}-${first.name}`)?.focus();
      return;
    }
    setErrors({});
    void send(checked.request, current.version);
  };

  const errorOf = (name: string): string | null => {
    const e = errors[name];
    if (e === undefined) return null;
    return 'key' in e ? t(e.key, e.params) : e.api;
  };

  // A change that no longer applies (the commitment was just fulfilled) leaves only what it did.
  if (!spec.applies(current)) return outcome?.kind === 'done' ? <p role="status">{t(spec.done)}</p> : null;
  return (
    <form class={`change ${spec.id}`} noValidate onSubmit={submit} aria-labelledby={`${spec.id}-title`}>
      <h3 id={`${spec.id}-title`}>{t(spec.title)}</h3>
      {spec.intro?.(current)}
      {outcome?.kind === 'done' && <p role="status">{t(spec.done)}</p>}
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
              onChanged();
              void send(outcome.request, outcome.now.version);
            }}
          >
            {t('extend.reapply')}
          </button>
        </div>
      )}
      {spec.fields.map((f) => (
        <Field
          key={f.name}
          id={`${spec.id}-${f.name}`}
          name={f.name}
          label={t(f.label)}
          error={errorOf(f.name)}
          errorLang={errors[f.name] && 'api' in errors[f.name]! ? 'en' : undefined}
          control={(p) => {
            const value = values[f.name] ?? '';
            const onInput = (e: { currentTarget: { value: string } }): void =>
              setValues({ ...values, [f.name]: e.currentTarget.value });
            // One element per type: Preact's typings tie each input type to its own attributes.
            if (f.control === 'textarea') return <textarea rows={2} {...p} value={value} onInput={onInput} />;
            if (f.control === 'date') return <input type="date" {...p} value={value} onInput={onInput} />;
            if (f.control === 'url') return <input type="url" {...p} value={value} onInput={onInput} />;
            return <input type="text" {...p} value={value} onInput={onInput} />;
          }}
        />
      ))}
      <button type="submit" disabled={sending}>
        {sending ? t('assess.sending') : t(spec.submit)}
      </button>
    </form>
  );
};
