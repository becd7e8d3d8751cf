import { z } from 'zod';
import { Slug } from '../recommendations/vocabulary';
import { AssessmentStatus, TargetKind } from './vocabulary';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const MAX_TRACKER_PAGE = 200;

/**
 * `GET /api/tracker` query string. `status` is the latest assessment's status (`none`: never assessed);
 * `overdue` is judged at query time: a commitment open or lapsed past its due instant, or a
 * recommendation with such a linked commitment.
 */
export const TrackerQuery = z.strictObject({
  kind: TargetKind.optional(),
  theme: Slug.optional(),
  status: z.union([AssessmentStatus, z.literal('none')]).optional(),
  cluster: Slug.optional(),
  overdue: bool.optional(),
  hasAssessment: bool.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_TRACKER_PAGE).default(50),
  cursor: z.string().min(1).max(500).optional(),
});
export type TrackerQuery = z.infer<typeof TrackerQuery>;
