import {
  commitmentEvents,
  dueInstantOf,
  idInStream,
  type CommitmentCreatedData,
  type CommitmentEvent,
  type CommitmentStatus,
  type Evidence,
  type StoredEvent,
} from '@tracker/contracts';
import type { Projection } from '@tracker/projections';

export interface DueDateExtension {
  readonly previousDueDate: string;
  readonly dueDate: string;
  readonly reason: string;
  readonly at: string;
}

/** A commitment as the read model keeps it: its current fields and how it got there. */
export interface CommitmentView extends CommitmentCreatedData {
  readonly status: CommitmentStatus;
  /** The due instant (ISO, UTC): what due-date filters, sorting and "overdue" compare with. */
  readonly dueAt: string;
  readonly extensions: readonly DueDateExtension[];
  readonly fulfilment: { fulfilledOn: string; evidence: Evidence[]; note: string | null } | null;
  readonly withdrawal: { withdrawnOn: string; reason: string } | null;
  readonly lapsedAt: string | null;
  /** When the current due date was set (created or extended): reminders whose instant was already past then do not apply. */
  readonly dueSetAt?: string;
  /** Lead times (ms) of the reminders sent for the current due date. */
  readonly remindedLeadsMs?: readonly number[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const COMMITMENTS_VIEW = 'commitments_view';

/** The commitments read model: one document per commitment, keyed by its id. */
export const commitmentsViewProjection: Projection<CommitmentView> = {
  name: COMMITMENTS_VIEW,
  route: (event) => {
    const id = idInStream(event.streamId, 'commitment');
    return id !== null && commitmentEvents.has(event.type) ? [id] : [];
  },
  apply: (doc, stored: StoredEvent) => {
    const event = commitmentEvents.parse<CommitmentEvent>(stored);
    const at = event.metadata.recordedAt;
    if (event.type === 'commitment.created') {
      return {
        ...event.data,
        status: 'open',
        dueAt: dueInstantOf(event.data.dueDate).toISOString(),
        extensions: [],
        fulfilment: null,
        withdrawal: null,
        lapsedAt: null,
        dueSetAt: at,
        remindedLeadsMs: [],
        version: event.version,
        createdAt: at,
        updatedAt: at,
      };
    }
    if (!doc) return null;
    const base = { ...doc, version: event.version, updatedAt: at };
    switch (event.type) {
      case 'commitment.revised': {
        const { changed: _c, commitmentId: _i, ...fields } = event.data;
        return { ...base, ...fields };
      }
      case 'commitment.due-date-extended': {
        const extension: DueDateExtension = {
          previousDueDate: event.data.previousDueDate,
          dueDate: event.data.dueDate,
          reason: event.data.reason,
          at: event.metadata.occurredAt,
        };
        // Pure and idempotent on its own: the same extension applied again is not listed twice.
        const seen = doc.extensions.some((x) => JSON.stringify(x) === JSON.stringify(extension));
        return {
          ...base,
          dueDate: event.data.dueDate,
          dueDateKind: event.data.dueDateKind,
          dueAt: dueInstantOf(event.data.dueDate).toISOString(),
          extensions: seen ? doc.extensions : [...doc.extensions, extension],
          dueSetAt: at,
          remindedLeadsMs: [],
        };
      }
      case 'commitment.reopened':
        return { ...base, status: 'open', lapsedAt: null };
      case 'commitment.fulfilled':
        return {
          ...base,
          status: 'fulfilled',
          fulfilment: {
            fulfilledOn: event.data.fulfilledOn,
            evidence: event.data.evidence,
            note: event.data.note,
          },
        };
      case 'commitment.withdrawn':
        return {
          ...base,
          status: 'withdrawn',
          withdrawal: { withdrawnOn: event.data.withdrawnOn, reason: event.data.reason },
        };
      case 'commitment.lapsed':
        return { ...base, status: 'lapsed', lapsedAt: event.data.lapsedAt };
      case 'commitment.deadline-approaching': {
        const sent = doc.remindedLeadsMs ?? [];
        if (event.data.dueAt !== doc.dueAt || sent.includes(event.data.leadMs)) return base;
        return { ...base, remindedLeadsMs: [...sent, event.data.leadMs] };
      }
      default: {
        const _exhaustive: never = event;
        return doc;
      }
    }
  },
};

/** Open (or lapsed) past the due instant: judged against `now`, not only after a lapse event. */
export const isOverdue = (view: Pick<CommitmentView, 'status' | 'dueAt'>, now: Date): boolean =>
  (view.status === 'open' || view.status === 'lapsed') && Date.parse(view.dueAt) <= now.getTime();

export type CommitmentAnswer = CommitmentView & {
  readonly overdue: boolean;
  readonly overdueSince: string | null;
};

/** The API's answer: the view plus "overdue" and "overdue since" as of now. */
export const withOverdue = (view: CommitmentView, now: Date): CommitmentAnswer => {
  const overdue = isOverdue(view, now);
  return { ...view, overdue, overdueSince: overdue ? view.dueAt : null };
};
