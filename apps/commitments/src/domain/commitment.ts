import {
  AggregateNotFoundError,
  canonicalJson,
  CommitmentCreated,
  CommitmentDeadlineApproaching,
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
  /**
   * Sent by a reminder timer: the due instant is `leadMs` away. `leadsMs` are the configured lead times,
   * so a late reminder superseded by a shorter one that is also due is not sent.
   */
  | { readonly type: 'remind-deadline'; readonly leadMs: number; readonly leadsMs: readonly number[] }
);

/** A reminder sent: for which due instant, at which lead time. */
export interface SentReminder {
  readonly dueAt: string;
  readonly leadMs: number;
}

export interface ExistingCommitment extends CommitmentCreatedData {
  readonly exists: true;
  readonly status: CommitmentStatus;
  readonly fulfilledOn: string | null;
  readonly withdrawnOn: string | null;
  readonly reminders: readonly SentReminder[];
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

/** Why a reminder of `leadMs` is not to be sent now, or null when it is (pure; `decide` and the timers agree). */
export const reminderBlocker = (
  state: CommitmentState,
  leadMs: number,
  leadsMs: readonly number[],
  now: Date,
): 'not-open' | 'due-passed' | 'not-yet' | 'not-configured' | 'superseded' | 'already-sent' | null => {
  if (!state.exists || state.status !== 'open') return 'not-open';
  const dueAt = dueInstantOf(state.dueDate).getTime();
  const t = now.getTime();
  // Once the due instant passed only the lapse is news: no late reminder.
  if (t >= dueAt) return 'due-passed';
  if (t < dueAt - leadMs) return 'not-yet';
  if (!leadsMs.includes(leadMs)) return 'not-configured';
  // A shorter lead time that is also due says more: "1 day left" rather than "30 days left", late.
  if (leadsMs.some((l) => l < leadMs && t >= dueAt - l)) return 'superseded';
  const dueIso = new Date(dueAt).toISOString();
  if (state.reminders.some((r) => r.dueAt === dueIso && r.leadMs <= leadMs)) return 'already-sent';
  return null;
};

/**
 * The reminder that is due now, if any: the shortest configured lead time whose instant has passed and
 * that was still ahead when the due date was set (`dueSetAt`: a commitment made 3 days before its due
 * date gets no "7 days left"). What reconciliation sends, late, for reminders missed while down.
 */
export const dueReminder = (
  state: CommitmentState,
  leadsMs: readonly number[],
  dueSetAt: Date,
  now: Date,
): number | null => {
  if (!state.exists) return null;
  const dueAt = dueInstantOf(state.dueDate).getTime();
  const passed = leadsMs.filter((l) => dueAt - l > dueSetAt.getTime() && dueAt - l <= now.getTime());
  if (passed.length === 0) return null;
  const lead = Math.min(...passed);
  return reminderBlocker(state, lead, leadsMs, now) === null ? lead : null;
};

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
        const { exists: _e, status: _s, fulfilledOn: _f, withdrawnOn: _w, reminders: _r, ...current } = state;
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
    case 'remind-deadline': {
      const s = existing(state, cmd);
      const blocker = reminderBlocker(s, cmd.leadMs, cmd.leadsMs, now);
      if (blocker === 'not-yet')
        throw new RuleViolationError(
          `no reminder ${cmd.leadMs} ms ahead of ${dueInstantOf(s.dueDate).toISOString()} yet`,
          'leadMs',
        );
      if (blocker !== null) return [];
      const dueAt = dueInstantOf(s.dueDate);
      return [
        CommitmentDeadlineApproaching({
          commitmentId: s.commitmentId,
          dueDate: s.dueDate,
          dueAt: dueAt.toISOString(),
          leadMs: cmd.leadMs,
          remindAt: new Date(dueAt.getTime() - cmd.leadMs).toISOString(),
          remindedAt: now.toISOString(),
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
    return {
      exists: true,
      ...event.data,
      status: 'open',
      fulfilledOn: null,
      withdrawnOn: null,
      reminders: [],
    };
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
    case 'commitment.deadline-approaching':
      return {
        ...state,
        reminders: [...state.reminders, { dueAt: event.data.dueAt, leadMs: event.data.leadMs }],
      };
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
