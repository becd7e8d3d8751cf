import type {
  ExtendDueDateRequest,
  FulfilCommitmentRequest,
  WithdrawCommitmentRequest,
} from '@tracker/contracts';
import { useApp } from '../app-context';
import { ProblemMessage } from '../components/problem-message';
import { useLoad } from '../components/use-load';
import { useI18n } from '../i18n/i18n';
import type { TrackerItem } from '../items';
import { canChangeCommitment, canMarkLapsed } from '../session';
import {
  CommitmentChangeForm,
  isIsoDate,
  today,
  type ChangeSpec,
  type Checked,
  type Commitment,
  type FieldError,
  type Values,
} from './commitment-change-form';

/** The API's limits (libs/contracts: commitment.requests.ts, Evidence), checked before sending. */
const MAX = { reason: 2000, note: 5000, source: 300, summary: 5000, link: 2000 };
/** Compared as the API compares due dates: a date is due by the end of that day, UTC. */
const dueInstant = (due: string): number =>
  Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(due) ? `${due}T23:59:59.999Z` : due);
const open = (c: Commitment): boolean => c.status === 'open' || c.status === 'lapsed';

const isHttpUrl = (s: string): boolean => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

/** A field's checks, in order; the first that fails is its error. */
const firstError = (...checks: readonly (FieldError | null)[]): FieldError | null =>
  checks.find((c) => c !== null) ?? null;
const required = (v: string): FieldError | null => (v ? null : { key: 'error.required' });
const tooLong = (v: string, max: number): FieldError | null =>
  v.length > max ? { key: 'error.tooLong', params: { max } } : null;
const pastDate = (v: string): FieldError | null =>
  !v ? null : !isIsoDate(v) ? { key: 'error.date' } : v > today() ? { key: 'error.future' } : null;

const result = <R,>(errors: Record<string, FieldError | null>, request: () => R): Checked<R> => {
  const found = Object.fromEntries(
    Object.entries(errors).filter((e): e is [string, FieldError] => e[1] !== null),
  );
  return Object.keys(found).length > 0 ? { errors: found } : { request: request() };
};
const trimmed = (values: Values, name: string): string => (values[name] ?? '').trim();

const extend: ChangeSpec<ExtendDueDateRequest> = {
  id: 'extend',
  title: 'extend.title',
  submit: 'extend.submit',
  done: 'extend.done',
  path: 'due-date-extensions',
  applies: open,
  fields: [
    { name: 'dueDate', label: 'extend.newDueDate', control: 'date' },
    { name: 'reason', label: 'extend.reason', control: 'textarea' },
  ],
  check: (values, current) => {
    const dueDate = trimmed(values, 'dueDate');
    const reason = trimmed(values, 'reason');
    return result(
      {
        dueDate: firstError(
          required(dueDate),
          isIsoDate(dueDate) ? null : { key: 'error.date' },
          dueInstant(dueDate) > dueInstant(current.dueDate) ? null : { key: 'extend.later' },
        ),
        reason: firstError(required(reason), tooLong(reason, MAX.reason)),
      },
      () => ({ dueDate, reason }),
    );
  },
};

const fulfil: ChangeSpec<FulfilCommitmentRequest> = {
  id: 'fulfil',
  title: 'fulfil.title',
  submit: 'fulfil.submit',
  done: 'fulfil.done',
  path: 'fulfilment',
  applies: open,
  fields: [
    { name: 'fulfilledOn', label: 'fulfil.fulfilledOn', control: 'date', initial: today() },
    { name: 'evidence.0.source', label: 'assess.evidenceSource', control: 'text' },
    { name: 'evidence.0.summary', label: 'assess.evidenceSummary', control: 'textarea' },
    { name: 'evidence.0.link', label: 'assess.evidenceLink', control: 'url' },
    { name: 'note', label: 'assess.note', control: 'textarea' },
  ],
  check: (values) => {
    const v = (name: string): string => trimmed(values, name);
    return result(
      {
        fulfilledOn: firstError(required(v('fulfilledOn')), pastDate(v('fulfilledOn'))),
        // The API wants at least one piece of evidence that the commitment was kept.
        'evidence.0.source': firstError(
          required(v('evidence.0.source')),
          tooLong(v('evidence.0.source'), MAX.source),
        ),
        'evidence.0.summary': firstError(
          required(v('evidence.0.summary')),
          tooLong(v('evidence.0.summary'), MAX.summary),
        ),
        'evidence.0.link':
          v('evidence.0.link') && !isHttpUrl(v('evidence.0.link'))
            ? { key: 'error.url' }
            : tooLong(v('evidence.0.link'), MAX.link),
        note: tooLong(v('note'), MAX.note),
      },
      () => ({
        fulfilledOn: v('fulfilledOn'),
        evidence: [
          {
            source: v('evidence.0.source'),
            summary: v('evidence.0.summary'),
            citation: null,
            date: null,
            dateNote: null,
            link: v('evidence.0.link') || null,
            quote: null,
          },
        ],
        note: v('note') || null,
      }),
    );
  },
};

const withdraw: ChangeSpec<WithdrawCommitmentRequest> = {
  id: 'withdraw',
  title: 'withdraw.title',
  submit: 'withdraw.submit',
  done: 'withdraw.done',
  path: 'withdrawal',
  applies: open,
  fields: [
    { name: 'reason', label: 'withdraw.reason', control: 'textarea' },
    { name: 'withdrawnOn', label: 'withdraw.withdrawnOn', control: 'date' },
  ],
  check: (values) => {
    const reason = trimmed(values, 'reason');
    const withdrawnOn = trimmed(values, 'withdrawnOn');
    return result(
      {
        reason: firstError(required(reason), tooLong(reason, MAX.reason)),
        withdrawnOn: pastDate(withdrawnOn),
      },
      () => ({ reason, ...(withdrawnOn ? { withdrawnOn } : {}) }),
    );
  },
};

/** The deadline timer records a lapse by itself; the secretariat may record it first, once it is due. */
const lapse: ChangeSpec<Record<string, never>> = {
  id: 'lapse',
  title: 'lapse.title',
  submit: 'lapse.submit',
  done: 'lapse.done',
  path: 'lapse',
  applies: (c) => c.status === 'open' && dueInstant(c.dueDate) <= Date.now(),
  fields: [],
  check: () => ({ request: {} }),
};

/**
 * What the reader's role may do to this commitment, each change a form of its own: extend the due
 * date, mark it fulfilled, withdraw it, record that it lapsed. The commitment is read from its own
 * service (its version is what If-Match names); the tracker row follows a moment later.
 */
export const CommitmentActions = ({ item, onChanged }: { item: TrackerItem; onChanged: () => void }) => {
  const { t, date, language } = useI18n();
  const { api, session } = useApp();
  const id = item.commitment?.id ?? '';
  const commitment = useLoad(`commitment|${id}|${language}`, (signal) =>
    api.get<Commitment>(`/api/commitments/${id}`, signal),
  );
  if (!item.commitment || !canChangeCommitment(session, item)) return null;
  if (commitment.state === 'error') return <ProblemMessage problem={commitment.problem} />;
  if (commitment.state !== 'ok') return null;
  const current = commitment.data;
  const changed = (): void => {
    commitment.reload();
    onChanged();
  };
  return (
    <section class="actions-panel" aria-labelledby="actions-title">
      <h2 id="actions-title">{t('actions.title')}</h2>
      <p data-current-due={current.dueDate} data-commitment-status={current.status}>
        {t('extend.current', { date: date(current.dueDate) })}
      </p>
      <CommitmentChangeForm current={current} spec={extend} onChanged={changed} />
      <CommitmentChangeForm current={current} spec={fulfil} onChanged={changed} />
      <CommitmentChangeForm current={current} spec={withdraw} onChanged={changed} />
      {canMarkLapsed(session) && <CommitmentChangeForm current={current} spec={lapse} onChanged={changed} />}
    </section>
  );
};
