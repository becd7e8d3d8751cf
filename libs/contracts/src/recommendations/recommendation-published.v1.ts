import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';

export const RecommendationPublicationData = z.strictObject({ recommendationId: z.uuid() });
export type RecommendationPublicationData = z.infer<typeof RecommendationPublicationData>;

/** Visible to every role from now on (viewers included). */
export const RecommendationPublished = defineEvent(
  'recommendation.published',
  1,
  RecommendationPublicationData,
);
export type RecommendationPublished = EventOf<typeof RecommendationPublished>;

/** Back to draft: viewers no longer see it. */
export const RecommendationUnpublished = defineEvent(
  'recommendation.unpublished',
  1,
  RecommendationPublicationData,
);
export type RecommendationUnpublished = EventOf<typeof RecommendationUnpublished>;
