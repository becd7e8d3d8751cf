import { z } from 'zod';
import { Evidence } from '../commitments/vocabulary';
import { IsoDate } from '../recommendations/vocabulary';
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
