import {
  AssessmentStale,
  AssessmentStalePeriodSet,
  followUpEvents,
  MAX_STALE_AFTER_DAYS,
  RuleViolationError,
  type AssessmentTarget,
  type FollowUpEvent,
} from '@tracker/contracts';

/**
 * Staleness of one item's follow-up: an item with no assessment for N days is stale, once per period
 * (at since + N, since + 2N, …). N is the item's own period when the secretariat set one, the global
 * one otherwise. Its own stream (`staleness-<assessmentId>`), so the assessment history stays what
 * was assessed.
 */
export type StalenessCommand =
  | {
      readonly type: 'mark-stale';
      readonly assessmentId: string;
      readonly target: AssessmentTarget;
      /** When the item was last assessed (recorded), or first known to follow-up if never assessed. */
      readonly since: string;
      readonly lastAssessedAt: string | null;
      /** The global N, in milliseconds (0: no global period); the item's own period overrides it. */
      readonly staleAfterMs: number;
      /** The length of a day in ms, to turn the item's own period (days) into N. */
      readonly dayMs: number;
    }
  | {
      readonly type: 'set-stale-period';
      readonly assessmentId: string;
      readonly target: AssessmentTarget;
      /** Days; 0 = never stale; null = clear, the global period applies again. */
      readonly staleAfterDays: number | null;
    };

export interface StalenessState {
  /** The last period marked: its `since` and when it was reached. */
  readonly last: { readonly since: string; readonly staleAt: string } | null;
  /** The item's own period in days (0 = never), null when the global period applies. */
  readonly staleAfterDays: number | null;
}

export const initialState: StalenessState = { last: null, staleAfterDays: null };

/** N in ms for one item: its own period when set (0 = never), else the global one (pure). */
export const effectiveStaleAfterMs = (
  ownDays: number | null,
  globalStaleAfterMs: number,
  dayMs: number,
): number => (ownDays === null ? globalStaleAfterMs : ownDays * dayMs);

/** The staleness period `now` falls in (0: not stale yet) and when it was reached (pure). */
export const stalePeriod = (
  since: string,
  staleAfterMs: number,
  now: Date,
): { period: number; staleAt: Date } => {
  const sinceMs = Date.parse(since);
  const period = Math.max(0, Math.floor((now.getTime() - sinceMs) / staleAfterMs));
  return { period, staleAt: new Date(sinceMs + period * staleAfterMs) };
};

/** True when `mark-stale` would append: stale, and this period not marked yet. */
export const isStaleDue = (
  state: StalenessState,
  since: string,
  staleAfterMs: number,
  now: Date,
): boolean => {
  // 0 (never, or no global period) would divide by zero below: nothing is ever due.
  if (staleAfterMs <= 0) return false;
  const { period, staleAt } = stalePeriod(since, staleAfterMs, now);
  if (period < 1) return false;
  const last = state.last;
  // Compared by instant, not by period number: after N changes the numbering restarts, and a period
  // already marked under the old N must not be raised again under the new one.
  return !last || last.since !== since || Date.parse(last.staleAt) < staleAt.getTime();
};

export const decide = (cmd: StalenessCommand, state: StalenessState, now: Date): FollowUpEvent[] => {
  switch (cmd.type) {
    case 'mark-stale': {
      // The stream's own period, not the read model's: the check may have read it before a change.
      const staleAfterMs = effectiveStaleAfterMs(state.staleAfterDays, cmd.staleAfterMs, cmd.dayMs);
      if (!isStaleDue(state, cmd.since, staleAfterMs, now)) return [];
      const { period, staleAt } = stalePeriod(cmd.since, staleAfterMs, now);
      return [
        AssessmentStale({
          assessmentId: cmd.assessmentId,
          target: cmd.target,
          since: new Date(cmd.since).toISOString(),
          lastAssessedAt: cmd.lastAssessedAt === null ? null : new Date(cmd.lastAssessedAt).toISOString(),
          staleAfterMs,
          period,
          staleAt: staleAt.toISOString(),
          detectedAt: now.toISOString(),
        }),
      ];
    }
    case 'set-stale-period': {
      const days = cmd.staleAfterDays;
      if (days !== null && !(Number.isInteger(days) && days >= 0 && days <= MAX_STALE_AFTER_DAYS))
        throw new RuleViolationError(
          `staleAfterDays must be a whole number of days from 0 to ${MAX_STALE_AFTER_DAYS}, or null`,
          'staleAfterDays',
        );
      // Setting what is already set is a no-op, so a retried PUT appends nothing.
      if (days === state.staleAfterDays) return [];
      return [
        AssessmentStalePeriodSet({
          assessmentId: cmd.assessmentId,
          target: cmd.target,
          staleAfterDays: days,
        }),
      ];
    }
    default: {
      const _exhaustive: never = cmd;
      return _exhaustive;
    }
  }
};

export const evolve = (state: StalenessState, event: FollowUpEvent): StalenessState => {
  switch (event.type) {
    case 'assessment.stale':
      return { ...state, last: { since: event.data.since, staleAt: event.data.staleAt } };
    case 'assessment.stale-period-set':
      return { ...state, staleAfterDays: event.data.staleAfterDays };
    default:
      return state;
  }
};

export const Staleness = {
  name: 'staleness',
  initialState,
  decide,
  evolve,
  registry: followUpEvents,
} as const;
