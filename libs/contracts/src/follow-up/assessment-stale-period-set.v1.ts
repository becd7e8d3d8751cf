import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { AssessmentTarget } from './vocabulary';

/** The longest staleness period one may set, in days (ten years, as for the global setting). */
export const MAX_STALE_AFTER_DAYS = 3650;

/**
 * Days without an assessment after which an item is stale (`assessment.stale`), or 0 for never:
 * an item's own period, in place of the global ASSESSMENT_STALE_AFTER_DAYS.
 */
export const StaleAfterDays = z.number().int().min(0).max(MAX_STALE_AFTER_DAYS);

/**
 * The secretariat set (or cleared) one item's own staleness period. Days, not milliseconds: it is what
 * the secretariat decided, and the length of a day is the reader's configuration. Who and why are in
 * the metadata (actor, reason).
 */
export const AssessmentStalePeriodSetData = z.strictObject({
  /** The item's assessment history (assessmentIdFor(target)): the staleness stream is keyed by it. */
  assessmentId: z.uuid(),
  target: AssessmentTarget,
  /** The item's own period in days, 0 = never stale; null = cleared, the global period applies again. */
  staleAfterDays: StaleAfterDays.nullable(),
});
export type AssessmentStalePeriodSetData = z.infer<typeof AssessmentStalePeriodSetData>;

export const AssessmentStalePeriodSet = defineEvent(
  'assessment.stale-period-set',
  1,
  AssessmentStalePeriodSetData,
);
export type AssessmentStalePeriodSet = EventOf<typeof AssessmentStalePeriodSet>;
