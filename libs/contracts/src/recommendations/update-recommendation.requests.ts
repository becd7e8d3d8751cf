import { z } from 'zod';
import { ClusterTitle } from './recommendation-cluster-titled.v1';
import { IsoDate, PositionValue, SdgTarget, Slug } from './vocabulary';

/** `PATCH /api/recommendations/:id/text`: the languages given replace the current ones; `fr: null` removes French. */
export const ReviseTextRequest = z
  .strictObject({
    en: z.string().trim().min(1).max(20000).optional(),
    fr: z.string().trim().min(1).max(20000).nullable().optional(),
  })
  .refine((b) => b.en !== undefined || b.fr !== undefined, { message: 'give en, fr or both' })
  .meta({ minProperties: 1 });
export type ReviseTextRequest = z.infer<typeof ReviseTextRequest>;

/** `POST /api/recommendations/:id/positions`: the state's position as of `date`, citing `source`. */
export const RecordPositionRequest = z.strictObject({
  value: PositionValue,
  date: IsoDate.nullable().default(null),
  source: z.string().trim().min(1).max(300).nullable().default(null),
});
export type RecordPositionRequest = z.infer<typeof RecordPositionRequest>;

/** `PATCH /api/recommendations/:id/tags`: each list given replaces the current one. */
export const TagRecommendationRequest = z
  .strictObject({
    themes: z.array(Slug).max(50).optional(),
    affectedGroups: z.array(Slug).max(50).optional(),
    sdgTargets: z.array(SdgTarget).max(50).optional(),
  })
  .refine((b) => b.themes ?? b.affectedGroups ?? b.sdgTargets, {
    message: 'give themes, affectedGroups or sdgTargets',
  })
  // What the refinement says, in the OpenAPI document too (JSON Schema cannot express it otherwise).
  .meta({ minProperties: 1 });
export type TagRecommendationRequest = z.infer<typeof TagRecommendationRequest>;

/** `PUT /api/recommendations/:id/cluster`: null takes the item out of its cluster. */
export const AssignClusterRequest = z.strictObject({ clusterKey: Slug.nullable() });
export type AssignClusterRequest = z.infer<typeof AssignClusterRequest>;

/** `PUT /api/recommendations/:id/publication`. */
export const SetPublicationRequest = z.strictObject({ published: z.boolean() });
export type SetPublicationRequest = z.infer<typeof SetPublicationRequest>;

/** `PUT /api/recommendations/clusters/:key`: the cluster's title, both languages (replaces the current one). */
export const SetClusterTitleRequest = z.strictObject({ title: ClusterTitle });
export type SetClusterTitleRequest = z.infer<typeof SetClusterTitleRequest>;
