import {
  commitmentEvents,
  followUpEvents,
  idInStream,
  type CommitmentEvent,
  type FollowUpEvent,
  type StoredEvent,
  type TargetKind,
} from '@tracker/contracts';
import type { Projection } from '@tracker/projections';

/**
 * When each tracked item was last assessed, what the stale check reads. Every timestamp only moves
 * forward (max of timestamps) and the own period is set to the event's value, so applying an event
 * twice changes nothing; the projection store's per-stream versions keep period changes in order.
 */
export interface AssessmentActivity {
  readonly itemId: string;
  readonly kind: TargetKind | null;
  /** When follow-up learnt of the item (its created event was recorded); null until then. */
  readonly knownAt: string | null;
  /** Fulfilled or withdrawn commitments need no more follow-up. */
  readonly closed: boolean;
  /** The recording time of the newest assessment, null if never assessed. */
  readonly lastAssessedAt: string | null;
  /** The last staleness period raised: its `since` and when it was reached. */
  readonly staleSince: string | null;
  readonly staleAt: string | null;
  /**
   * The item's own staleness period in days (0 = never), null when the global one applies. Absent in
   * rows written before per-item periods existed: read it with `?? null`.
   */
  readonly staleAfterDays?: number | null;
}

export const ASSESSMENT_ACTIVITY = 'assessment_activity';

const later = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : a > b ? a : b;

const empty = (itemId: string): AssessmentActivity => ({
  itemId,
  kind: null,
  knownAt: null,
  closed: false,
  lastAssessedAt: null,
  staleSince: null,
  staleAt: null,
  staleAfterDays: null,
});

/** The instant the staleness clock runs from: the later of the item becoming known and its newest assessment. */
export const staleClockOf = (a: Pick<AssessmentActivity, 'knownAt' | 'lastAssessedAt'>): string | null =>
  a.knownAt === null ? null : later(a.knownAt, a.lastAssessedAt);

export const assessmentActivityProjection: Projection<AssessmentActivity> = {
  name: ASSESSMENT_ACTIVITY,
  route: (event) => {
    const recommendation = idInStream(event.streamId, 'recommendation');
    if (recommendation !== null && event.type === 'recommendation.created') return [recommendation];
    const commitment = idInStream(event.streamId, 'commitment');
    if (commitment !== null && commitmentEvents.has(event.type)) return [commitment];
    if (
      event.type === 'assessment.recorded' ||
      event.type === 'assessment.stale' ||
      event.type === 'assessment.stale-period-set'
    ) {
      const target = (event.data as { target?: { id?: unknown } } | null)?.target?.id;
      return typeof target === 'string' ? [target] : [];
    }
    return [];
  },
  apply: (doc, stored: StoredEvent, id) => {
    const row = doc ?? empty(id);
    const at = stored.metadata.recordedAt;
    if (stored.type === 'recommendation.created')
      return { ...row, kind: 'recommendation', knownAt: row.knownAt ?? at };
    if (commitmentEvents.has(stored.type)) {
      const event = commitmentEvents.parse<CommitmentEvent>(stored);
      switch (event.type) {
        case 'commitment.created':
          return { ...row, kind: 'commitment', knownAt: row.knownAt ?? at };
        case 'commitment.fulfilled':
        case 'commitment.withdrawn':
          return { ...row, closed: true };
        case 'commitment.reopened':
          return { ...row, closed: false };
        default:
          return doc;
      }
    }
    if (followUpEvents.has(stored.type)) {
      const event = followUpEvents.parse<FollowUpEvent>(stored);
      if (event.type === 'assessment.recorded')
        return {
          ...row,
          kind: row.kind ?? event.data.target.kind,
          lastAssessedAt: later(row.lastAssessedAt, at),
        };
      if (event.type === 'assessment.stale-period-set')
        return {
          ...row,
          kind: row.kind ?? event.data.target.kind,
          staleAfterDays: event.data.staleAfterDays,
        };
      if (row.staleAt !== null && row.staleAt >= event.data.staleAt) return row;
      return { ...row, staleSince: event.data.since, staleAt: event.data.staleAt };
    }
    return doc;
  },
};
