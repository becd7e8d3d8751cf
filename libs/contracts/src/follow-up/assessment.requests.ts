import { z } from 'zod';
import { Evidence } from '../commitments/vocabulary';
import { IsoDate } from '../recommendations/vocabulary';
import { StaleAfterDays } from './assessment-stale-period-set.v1';
import { AssessmentStatus, TargetKind } from './vocabulary';

/** `POST /api/assessments`. The assessor is the caller. */
export const RecordAssessmentRequest = z.strictObject({
  target: z.strictObject({ kind: TargetKind, id: z.uuid({ message: 'must be a UUID' }) }),
  status: AssessmentStatus,
  assessedOn: IsoDate,
  evidence: z.array(Evidence).max(50).default([]),
  note: z.string().trim().min(1).max(5000).nullable().default(null),
});
export type RecordAssessmentRequest = z.infer<typeof RecordAssessmentRequest>;

/** `GET /api/assessments?targetKind=&targetId=`: the history of one item, newest first. */
export const AssessmentHistoryQuery = z.strictObject({
  targetKind: TargetKind,
  targetId: z.uuid({ message: 'must be a UUID' }),
});
export type AssessmentHistoryQuery = z.infer<typeof AssessmentHistoryQuery>;

/**
 * `PUT /api/tracker/items/:id/stale-after`: one item's own staleness period. `staleAfterDays` is
 * required, so clearing is an explicit `null`, never a forgotten field.
 */
export const SetStalePeriodRequest = z.strictObject({
  /** Days without an assessment before the item is stale; 0 = never; null = back to the global period. */
  staleAfterDays: StaleAfterDays.nullable(),
  /** Why, kept in the event's metadata. */
  reason: z.string().trim().min(1).max(1000).nullable().default(null),
});
export type SetStalePeriodRequest = z.infer<typeof SetStalePeriodRequest>;
