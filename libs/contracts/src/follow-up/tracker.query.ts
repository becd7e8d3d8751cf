import { z } from 'zod';
import { Mechanism, Slug } from '../recommendations/vocabulary';
import { AssessmentStatus, TargetKind } from './vocabulary';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const MAX_TRACKER_PAGE = 200;

/**
 * `GET /api/tracker` query string. `status` is the latest assessment's status (`none`: never assessed);
 * `overdue` is judged at query time: a commitment open or lapsed past its due instant, or a
 * recommendation with such a linked commitment. `mechanism` and `entity` select recommendations,
 * `institution` commitments; `stale`: the stale check found no assessment in the stale period.
 */
export const TrackerFilter = z.strictObject({
  kind: TargetKind.optional(),
  theme: Slug.optional(),
  status: z.union([AssessmentStatus, z.literal('none')]).optional(),
  cluster: Slug.optional(),
  overdue: bool.optional(),
  hasAssessment: bool.optional(),
  stale: bool.optional(),
  mechanism: Mechanism.optional(),
  /** Recommending state or body, case- and accent-insensitive exact name ("Côte d'Ivoire"). */
  entity: z.string().trim().min(1).max(200).optional(),
  /** A commitment's institution (slug). */
  institution: Slug.optional(),
  /** Words that must all occur in the text (en or fr) or citation (whole words; stop words ignored). */
  q: z.string().trim().min(1).max(200).optional(),
});
export type TrackerFilter = z.infer<typeof TrackerFilter>;

export const TrackerQuery = TrackerFilter.extend({
  limit: z.coerce.number().int().min(1).max(MAX_TRACKER_PAGE).default(50),
  cursor: z.string().min(1).max(500).optional(),
});
export type TrackerQuery = z.infer<typeof TrackerQuery>;

/** `GET /api/tracker/export`: the filtered tracker as a file. */
export const TrackerExportQuery = TrackerFilter.extend({
  format: z.enum(['csv', 'xlsx']).default('csv'),
});
export type TrackerExportQuery = z.infer<typeof TrackerExportQuery>;
