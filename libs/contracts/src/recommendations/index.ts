import { EventRegistry } from '../event-registry';
import { RecommendationCreated } from './recommendation-created.v1';

export * from './vocabulary';
export * from './recommendation-created.v1';
export * from './create-recommendation.request';

export type RecommendationEvent = RecommendationCreated;

export const recommendationEvents = new EventRegistry([RecommendationCreated]);
