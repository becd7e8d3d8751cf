import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { Slug } from './vocabulary';

/** The recommendation now belongs to `clusterKey` ("same ask"), or to no cluster when null. */
export const RecommendationClusterAssignedData = z.strictObject({
  recommendationId: z.uuid(),
  clusterKey: Slug.nullable(),
});
export type RecommendationClusterAssignedData = z.infer<typeof RecommendationClusterAssignedData>;

export const RecommendationClusterAssigned = defineEvent(
  'recommendation.cluster-assigned',
  1,
  RecommendationClusterAssignedData,
);
export type RecommendationClusterAssigned = EventOf<typeof RecommendationClusterAssigned>;
