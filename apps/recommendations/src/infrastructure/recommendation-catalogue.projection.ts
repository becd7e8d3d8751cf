import {
  recommendationEvents,
  type RecommendationCreatedData,
  type RecommendationEvent,
  type StoredEvent,
} from '@tracker/contracts';
import type { Projection } from '@tracker/projections';
import { entityKey, searchTokens } from './search-tokens';

/** A catalogue entry as the API shows it. */
export interface CatalogueEntry extends RecommendationCreatedData {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** As stored: plus what search and filters need (never shown). */
export interface CatalogueDocument extends CatalogueEntry {
  /** Normalised words of text (en, fr), citation and recommending entities; see search-tokens.ts. */
  readonly searchTokens: readonly string[];
  /** Normalised recommending entity names, for the case/accent-insensitive `entity` filter. */
  readonly entityKeys: readonly string[];
}

export const CATALOGUE = 'recommendation_catalogue';

const indexed = (doc: Omit<CatalogueDocument, 'searchTokens' | 'entityKeys'>): CatalogueDocument => ({
  ...doc,
  searchTokens: searchTokens(
    doc.text.en,
    doc.text.fr,
    doc.document.citation,
    doc.document.symbol,
    ...doc.recommendingEntities,
  ),
  entityKeys: [...new Set(doc.recommendingEntities.map(entityKey))],
});

export const toEntry = (doc: CatalogueDocument): CatalogueEntry => {
  const { searchTokens: _t, entityKeys: _k, ...entry } = doc;
  return entry;
};

/** The recommendation catalogue: one document per recommendation, keyed by its id. */
export const recommendationCatalogueProjection: Projection<CatalogueDocument> = {
  name: CATALOGUE,
  route: (event) =>
    event.type.startsWith('recommendation.') ? [event.streamId.replace(/^recommendation-/, '')] : [],
  apply: (doc, stored: StoredEvent) => {
    const event = recommendationEvents.parse<RecommendationEvent>(stored);
    const at = event.metadata.recordedAt;
    if (event.type === 'recommendation.created')
      return indexed({ ...event.data, version: event.version, createdAt: at, updatedAt: at });
    if (!doc) return null;
    const base = { ...doc, version: event.version, updatedAt: at };
    switch (event.type) {
      case 'recommendation.text-revised':
        return indexed({ ...base, text: event.data.text });
      case 'recommendation.position-recorded':
        return { ...base, position: event.data.position };
      case 'recommendation.tagged':
        return {
          ...base,
          themes: event.data.themes,
          affectedGroups: event.data.affectedGroups,
          sdgTargets: event.data.sdgTargets,
        };
      case 'recommendation.cluster-assigned':
        return { ...base, clusterKey: event.data.clusterKey };
      case 'recommendation.published':
        return { ...base, published: true };
      case 'recommendation.unpublished':
        return { ...base, published: false };
      default: {
        const _exhaustive: never = event;
        return doc;
      }
    }
  },
};
