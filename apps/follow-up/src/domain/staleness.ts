import {
  AssessmentStale,
  followUpEvents,
  type AssessmentTarget,
  type FollowUpEvent,
} from '@tracker/contracts';

/**
 * Staleness of one item's follow-up: an item with no assessment for N days is stale, once per period
 * (at since + N, since + 2N, …). Its own stream (`staleness-<assessmentId>`), so the assessment
 * history stays what was assessed.
 */
export type StalenessCommand = {
  readonly type: 'mark-stale';
  readonly assessmentId: string;
  readonly target: AssessmentTarget;
  /** When the item was last assessed (recorded), or first known to follow-up if never assessed. */
  readonly since: string;
  readonly lastAssessedAt: string | null;
  /** N, in milliseconds. */
  readonly staleAfterMs: number;
};

export interface StalenessState {
  /** The last period marked: its `since` and when it was reached. */
  readonly last: { readonly since: string; readonly staleAt: string } | null;
}

export const initialState: StalenessState = { last: null };

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
  const { period, staleAt } = stalePeriod(since, staleAfterMs, now);
  if (period < 1) return false;
  const last = state.last;
  return !last || last.since !== since || Date.parse(last.staleAt) < staleAt.getTime();
};

export const decide = (cmd: StalenessCommand, state: StalenessState, now: Date): FollowUpEvent[] => {
  switch (cmd.type) {
    case 'mark-stale': {
      if (!isStaleDue(state, cmd.since, cmd.staleAfterMs, now)) return [];
      const { period, staleAt } = stalePeriod(cmd.since, cmd.staleAfterMs, now);
      return [
        AssessmentStale({
          assessmentId: cmd.assessmentId,
          target: cmd.target,
          since: new Date(cmd.since).toISOString(),
          lastAssessedAt: cmd.lastAssessedAt === null ? null : new Date(cmd.lastAssessedAt).toISOString(),
          staleAfterMs: cmd.staleAfterMs,
          period,
          staleAt: staleAt.toISOString(),
          detectedAt: now.toISOString(),
        }),
      ];
    }
    default: {
      const _exhaustive: never = cmd.type;
      return _exhaustive;
    }
  }
};

export const evolve = (state: StalenessState, event: FollowUpEvent): StalenessState =>
  event.type === 'assessment.stale'
    ? { last: { since: event.data.since, staleAt: event.data.staleAt } }
    : state;

export const Staleness = {
  name: 'staleness',
  initialState,
  decide,
  evolve,
  registry: followUpEvents,
} as const;
