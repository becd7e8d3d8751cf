import {
  AggregateNotFoundError,
  canonicalJson,
  CommitmentCreated,
  CommitmentDueDateExtended,
  commitmentEvents,
  CommitmentFulfilled,
  CommitmentLapsed,
  CommitmentReopened,
  CommitmentRevised,
  CommitmentWithdrawn,
  dueDayOf,
  dueInstantOf,
  InvalidTransitionError,
  RuleViolationError,
  type CommitmentCreatedData,
  type CommitmentEvent,
  type CommitmentRevisedData,
  type CommitmentStatus,
  type DueDateKind,
  type Evidence,
} from '@tracker/contracts';

export type CommitmentDraft = Omit<CommitmentCreatedData, 'commitmentId'>;

/** The fields `revise` may change; the due date changes only by an extension with a reason. */
export const REVISABLE_FIELDS = [
  'title',
  'text',
  'madeAt',
  'institutions',
  'dueDateNote',
  'linkedRecommendationIds',
] as const;
export type Revision = Partial<Pick<CommitmentCreatedData, (typeof REVISABLE_FIELDS)[number]>>;

export type CommitmentCommand = { readonly commitmentId: string } & (
  | { readonly type: 'create'; readonly draft: CommitmentDraft }
  | { readonly type: 'revise'; readonly revision: Revision }
  | {
      readonly type: 'extend-due-date';
      readonly dueDate: string;
      readonly reason: string;
      readonly dueDateKind?: DueDateKind;
    }
  | {
      readonly type: 'fulfil';
      readonly fulfilledOn: string;
      readonly evidence: readonly Evidence[];
      readonly note: string | null;
    }
  | { readonly type: 'withdraw'; readonly withdrawnOn?: string; readonly reason: string }
  /** Sent by the deadline timer (or an operator): lapses an open commitment whose due instant passed. */
  | { readonly type: 'mark-lapsed' }
);

export interface ExistingCommitment extends CommitmentCreatedData {
  readonly exists: true;
  readonly status: CommitmentStatus;
  readonly fulfilledOn: string | null;
  readonly withdrawnOn: string | null;
}

export type CommitmentState = { readonly exists: false } | ExistingCommitment;

export const initialState: CommitmentState = { exists: false };

const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

const existing = (state: CommitmentState, cmd: CommitmentCommand): ExistingCommitment => {
  if (!state.exists) throw new AggregateNotFoundError('commitment', cmd.commitmentId);
  return state;
};

const closed = (s: ExistingCommitment, action: string): void => {
  if (s.status === 'fulfilled' || s.status === 'withdrawn')
    throw new InvalidTransitionError(`a ${s.status} commitment cannot be ${action}: it is closed`);
};

const dueNotBeforeMade = (dueDate: string, madeOn: string | null): void => {
  if (madeOn !== null && dueDayOf(dueDate) < madeOn)
    throw new RuleViolationError(
      `the due date ${dueDate} is before the date the commitment was made (${madeOn})`,
      'dueDate',
    );
};

const notInFuture = (date: string, now: Date, path: string): void => {
  if (date > dayOf(now)) throw new RuleViolationError(`${path} ${date} is in the future`, path);
};

/** True when the commitment is open and its due instant has passed: what the lapse timer checks. */
export const isLapseDue = (state: CommitmentState, now: Date): boolean =>
  state.exists && state.status === 'open' && dueInstantOf(state.dueDate).getTime() <= now.getTime();

/**
 * Open → fulfilled | withdrawn | lapsed; lapsed → open (extension) | fulfilled | withdrawn. Fulfilled
 * and withdrawn are final. Illegal transitions throw InvalidTransitionError (409), broken rules
 * RuleViolationError (422); commands that would change nothing decide no event.
 */
export const decide = (cmd: CommitmentCommand, state: CommitmentState, now: Date): CommitmentEvent[] => {
  switch (cmd.type) {
    case 'create': {
      const data: CommitmentCreatedData = { commitmentId: cmd.commitmentId, ...cmd.draft };
      if (state.exists) {
        // The seed and retried imports are repeatable: the same content again is a no-op.
        const { exists: _e, status: _s, fulfilledOn: _f, withdrawnOn: _w, ...current } = state;
        if (same(current, data)) return [];
        throw new InvalidTransitionError(
          `commitment ${cmd.commitmentId} already exists with different content`,
        );
      }
      dueNotBeforeMade(data.dueDate, data.madeAt.date);
      return [CommitmentCreated(data)];
    }
    case 'revise': {
      const s = existing(state, cmd);
      closed(s, 'revised');
      const next = {
        title: cmd.revision.title ?? s.title,
        text: cmd.revision.text ?? s.text,
        madeAt: cmd.revision.madeAt ?? s.madeAt,
        institutions: cmd.revision.institutions ?? s.institutions,
        dueDateNote: cmd.revision.dueDateNote === undefined ? s.dueDateNote : cmd.revision.dueDateNote,
        linkedRecommendationIds: cmd.revision.linkedRecommendationIds ?? s.linkedRecommendationIds,
      };
      const changed = REVISABLE_FIELDS.filter((f) => !same(next[f], s[f]));
      if (changed.length === 0) return [];
      dueNotBeforeMade(s.dueDate, next.madeAt.date);
      const data: CommitmentRevisedData = { commitmentId: s.commitmentId, ...next, changed };
      return [CommitmentRevised(data)];
    }
    case 'extend-due-date': {
      const s = existing(state, cmd);
      closed(s, 'extended');
      if (dueInstantOf(cmd.dueDate).getTime() <= dueInstantOf(s.dueDate).getTime())
        throw new RuleViolationError(
          `an extension must move the due date later than ${s.dueDate} (got ${cmd.dueDate})`,
          'dueDate',
        );
      const extended = CommitmentDueDateExtended({
        commitmentId: s.commitmentId,
        previousDueDate: s.dueDate,
        dueDate: cmd.dueDate,
        dueDateKind: cmd.dueDateKind ?? s.dueDateKind,
        reason: cmd.reason,
      });
      if (s.status !== 'lapsed') return [extended];
      return [
        extended,
        CommitmentReopened({ commitmentId: s.commitmentId, dueDate: cmd.dueDate, reason: cmd.reason }),
      ];
    }
    case 'fulfil': {
      const s = existing(state, cmd);
      closed(s, 'fulfilled');
      notInFuture(cmd.fulfilledOn, now, 'fulfilledOn');
      if (s.madeAt.date !== null && cmd.fulfilledOn < s.madeAt.date)
        throw new RuleViolationError(
          `fulfilledOn ${cmd.fulfilledOn} is before the commitment was made (${s.madeAt.date})`,
          'fulfilledOn',
        );
      return [
        CommitmentFulfilled({
          commitmentId: s.commitmentId,
          fulfilledOn: cmd.fulfilledOn,
          evidence: [...cmd.evidence],
          note: cmd.note,
        }),
      ];
    }
    case 'withdraw': {
      const s = existing(state, cmd);
      closed(s, 'withdrawn');
      const withdrawnOn = cmd.withdrawnOn ?? dayOf(now);
      notInFuture(withdrawnOn, now, 'withdrawnOn');
      if (s.madeAt.date !== null && withdrawnOn < s.madeAt.date)
        throw new RuleViolationError(
          `withdrawnOn ${withdrawnOn} is before the commitment was made (${s.madeAt.date})`,
          'withdrawnOn',
        );
      return [CommitmentWithdrawn({ commitmentId: s.commitmentId, withdrawnOn, reason: cmd.reason })];
    }
    case 'mark-lapsed': {
      const s = existing(state, cmd);
      if (s.status === 'lapsed') return [];
      closed(s, 'marked lapsed');
      const dueAt = dueInstantOf(s.dueDate);
      if (dueAt.getTime() > now.getTime())
        throw new RuleViolationError(`commitment is not due until ${dueAt.toISOString()}`, 'dueDate');
      return [
        CommitmentLapsed({
          commitmentId: s.commitmentId,
          dueDate: s.dueDate,
          dueAt: dueAt.toISOString(),
          lapsedAt: now.toISOString(),
        }),
      ];
    }
    default: {
      const _exhaustive: never = cmd;
      return _exhaustive;
    }
  }
};

export const evolve = (state: CommitmentState, event: CommitmentEvent): CommitmentState => {
  if (event.type === 'commitment.created')
    return { exists: true, ...event.data, status: 'open', fulfilledOn: null, withdrawnOn: null };
  if (!state.exists) return state;
  switch (event.type) {
    case 'commitment.revised': {
      const { changed: _c, ...fields } = event.data;
      return { ...state, ...fields };
    }
    case 'commitment.due-date-extended':
      return { ...state, dueDate: event.data.dueDate, dueDateKind: event.data.dueDateKind };
    case 'commitment.reopened':
      return { ...state, status: 'open' };
    case 'commitment.fulfilled':
      return { ...state, status: 'fulfilled', fulfilledOn: event.data.fulfilledOn };
    case 'commitment.withdrawn':
      return { ...state, status: 'withdrawn', withdrawnOn: event.data.withdrawnOn };
    case 'commitment.lapsed':
      return { ...state, status: 'lapsed' };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

export const Commitment = {
  name: 'commitment',
  initialState,
  decide,
  evolve,
  registry: commitmentEvents,
} as const;
