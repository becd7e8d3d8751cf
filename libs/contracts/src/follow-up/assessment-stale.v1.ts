import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { AssessmentTarget } from './vocabulary';

/**
 * A tracked item has gone `staleAfterMs` (N days) without an assessment: raised once per staleness
 * period — at since + N, since + 2N, … — until an assessment is recorded (which moves `since`).
 */
export const AssessmentStaleData = z.strictObject({
  /** The item's assessment history (assessmentIdFor(target)); it may hold no assessment yet. */
  assessmentId: z.uuid(),
  target: AssessmentTarget,
  /** The last assessment recorded, or when follow-up first knew the item if it was never assessed. */
  since: z.iso.datetime(),
  /** Null when the item was never assessed. */
  lastAssessedAt: z.iso.datetime().nullable(),
  /** The staleness threshold N, in milliseconds. */
  staleAfterMs: z.number().int().positive(),
  /** 1 for the first N without an assessment, 2 for the second, … */
  period: z.number().int().positive(),
  /** since + period × N: when this period was reached. */
  staleAt: z.iso.datetime(),
  /** When it was decided (at or after staleAt). */
  detectedAt: z.iso.datetime(),
});
export type AssessmentStaleData = z.infer<typeof AssessmentStaleData>;

export const AssessmentStale = defineEvent('assessment.stale', 1, AssessmentStaleData);
export type AssessmentStale = EventOf<typeof AssessmentStale>;
