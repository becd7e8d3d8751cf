import { EventRegistry } from '../event-registry';
import { RecommendationClusterAssigned } from './recommendation-cluster-assigned.v1';
import { RecommendationClusterTitled } from './recommendation-cluster-titled.v1';
import { RecommendationCreated } from './recommendation-created.v1';
import { RecommendationPositionRecorded } from './recommendation-position-recorded.v1';
import { RecommendationPublished, RecommendationUnpublished } from './recommendation-published.v1';
import { RecommendationTagged } from './recommendation-tagged.v1';
import { RecommendationTextRevised } from './recommendation-text-revised.v1';

export * from './vocabulary';
export * from './recommendation-created.v1';
export * from './recommendation-text-revised.v1';
export * from './recommendation-position-recorded.v1';
export * from './recommendation-tagged.v1';
export * from './recommendation-cluster-assigned.v1';
export * from './recommendation-cluster-titled.v1';
export * from './recommendation-published.v1';
export * from './create-recommendation.request';
export * from './update-recommendation.requests';
export * from './catalogue-query';
export * from './recommendation.responses';

export type RecommendationEvent =
  | RecommendationCreated
  | RecommendationTextRevised
  | RecommendationPositionRecorded
  | RecommendationTagged
  | RecommendationClusterAssigned
  | RecommendationPublished
  | RecommendationUnpublished;

export const recommendationEvents = new EventRegistry([
  RecommendationCreated,
  RecommendationTextRevised,
  RecommendationPositionRecorded,
  RecommendationTagged,
  RecommendationClusterAssigned,
  RecommendationPublished,
  RecommendationUnpublished,
]);

/**
 * Events of the `cluster-<key>` streams. Kept apart from RecommendationEvent: they are not about one
 * recommendation, and readers of recommendation streams (the catalogue, follow-up's tracker) need not
 * know them. They travel on the same topic.
 */
export type ClusterEvent = RecommendationClusterTitled;

export const clusterEvents = new EventRegistry([RecommendationClusterTitled]);
