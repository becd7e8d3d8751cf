import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';

export const RecommendationTextRevisedData = z.strictObject({
  recommendationId: z.uuid(),
  /** The whole text after the revision (both languages), so a reader never has to merge. */
  text: z.strictObject({
    en: z.string().min(1).max(20000),
    fr: z.string().min(1).max(20000).nullable(),
  }),
});
export type RecommendationTextRevisedData = z.infer<typeof RecommendationTextRevisedData>;

export const RecommendationTextRevised = defineEvent(
  'recommendation.text-revised',
  1,
  RecommendationTextRevisedData,
);
export type RecommendationTextRevised = EventOf<typeof RecommendationTextRevised>;
