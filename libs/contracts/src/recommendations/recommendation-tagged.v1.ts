import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { SdgTarget, Slug } from './vocabulary';

/** The full tag sets after the change (not a diff), so the event alone says what the item is tagged with. */
export const RecommendationTaggedData = z.strictObject({
  recommendationId: z.uuid(),
  themes: z.array(Slug).max(50),
  affectedGroups: z.array(Slug).max(50),
  sdgTargets: z.array(SdgTarget).max(50),
});
export type RecommendationTaggedData = z.infer<typeof RecommendationTaggedData>;

export const RecommendationTagged = defineEvent('recommendation.tagged', 1, RecommendationTaggedData);
export type RecommendationTagged = EventOf<typeof RecommendationTagged>;
