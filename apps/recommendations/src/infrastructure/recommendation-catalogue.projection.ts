import {
  recommendationEvents,
  type RecommendationCreatedData,
  type RecommendationEvent,
  type StoredEvent,
} from '@tracker/contracts';
import type { Projection } from '@tracker/projections';

export interface CatalogueEntry extends RecommendationCreatedData {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const CATALOGUE = 'recommendation_catalogue';

/** The recommendation catalogue: one document per recommendation, keyed by its id. */
export const recommendationCatalogueProjection: Projection<CatalogueEntry> = {
  name: CATALOGUE,
  route: (event) =>
    event.type.startsWith('recommendation.') ? [event.streamId.replace(/^recommendation-/, '')] : [],
  apply: (doc, stored: StoredEvent) => {
    const event = recommendationEvents.parse<RecommendationEvent>(stored);
    const at = event.metadata.recordedAt;
    switch (event.type) {
      case 'recommendation.created':
        return { ...event.data, version: event.version, createdAt: at, updatedAt: at };
      default:
        return doc;
    }
  },
};
