import { EventRegistry } from '../event-registry';
import { AssessmentRecorded } from './assessment-recorded.v1';
import { AssessmentStale } from './assessment-stale.v1';
import { AssessmentStalePeriodSet } from './assessment-stale-period-set.v1';
import { RecipientRegistered } from './recipient-registered.v1';
import { RecipientRemoved } from './recipient-removed.v1';
import { RecipientUpdated } from './recipient-updated.v1';

export * from './vocabulary';
export * from './assessment-recorded.v1';
export * from './assessment-stale.v1';
export * from './assessment-stale-period-set.v1';
export * from './recipient-vocabulary';
export * from './recipient-registered.v1';
export * from './recipient-updated.v1';
export * from './recipient-removed.v1';
export * from './recipient.requests';
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

/** Who receives alert mails: follow-up's `recipient-<id>` streams, on the follow-up topic too. */
export type RecipientEvent = RecipientRegistered | RecipientUpdated | RecipientRemoved;
export const recipientEvents = new EventRegistry([RecipientRegistered, RecipientUpdated, RecipientRemoved]);
export * from './follow-up.responses';
export * from './mail.responses';
