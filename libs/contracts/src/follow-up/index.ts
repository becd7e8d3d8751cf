import { EventRegistry } from '../event-registry';
import { AssessmentRecorded } from './assessment-recorded.v1';

export * from './vocabulary';
export * from './assessment-recorded.v1';
export * from './assessment.requests';
export * from './tracker.query';

export type FollowUpEvent = AssessmentRecorded;

/** Every event of the follow-up context; alert events are added here when they exist. */
export const FOLLOW_UP_EVENT_DEFINITIONS = [AssessmentRecorded] as const;

export const followUpEvents = new EventRegistry(FOLLOW_UP_EVENT_DEFINITIONS);
