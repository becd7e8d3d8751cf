import { EventRegistry } from '../event-registry';
import { AssessmentRecorded } from './assessment-recorded.v1';
import { AssessmentStale } from './assessment-stale.v1';
import { AssessmentStalePeriodSet } from './assessment-stale-period-set.v1';

export * from './vocabulary';
export * from './assessment-recorded.v1';
export * from './assessment-stale.v1';
export * from './assessment-stale-period-set.v1';
export * from './assessment.requests';
export * from './tracker.query';

export type FollowUpEvent = AssessmentRecorded | AssessmentStale | AssessmentStalePeriodSet;

/** Every event of the follow-up context, alert events included. */
export const FOLLOW_UP_EVENT_DEFINITIONS = [
  AssessmentRecorded,
  AssessmentStale,
  AssessmentStalePeriodSet,
] as const;

export const followUpEvents = new EventRegistry(FOLLOW_UP_EVENT_DEFINITIONS);
export * from './follow-up.responses';
