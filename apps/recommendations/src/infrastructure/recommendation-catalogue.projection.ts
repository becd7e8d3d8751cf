import {
  idInStream,
  recommendationEvents,
  type RecommendationCreatedData,
  type RecommendationEvent,
  type StoredEvent,
} from '@tracker/contracts';
import type { Projection } from '@tracker/projections';
import { rowKeys, writePostings } from './catalogue-postings';

/** A catalogue entry as the API shows it. */
export interface CatalogueEntry extends RecommendationCreatedData {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** As stored: plus the keys it is found under (never shown; catalogue-postings.ts). */
export interface CatalogueDocument extends CatalogueEntry {
  /** Absent on rows written before docs/adr/0009 (`keysOf` derives them). */
  readonly keys?: readonly string[];
}

export const CATALOGUE = 'recommendation_catalogue';

const indexed = (doc: CatalogueEntry): CatalogueDocument => ({ ...doc, keys: rowKeys(doc) });

/** Fields rows written before docs/adr/0009 still carry (never shown either). */
interface LegacyFields {
  readonly searchTokens?: unknown;
  readonly entityKeys?: unknown;
}

export const toEntry = (doc: CatalogueDocument): CatalogueEntry => {
  const { keys: _k, searchTokens: _t, entityKeys: _e, ...entry } = doc as CatalogueDocument & LegacyFields;
  return entry;
};

/**
 * The recommendation catalogue: one document per recommendation, keyed by its id, and its postings
 * (written before the rows of each batch, catalogue-postings.ts).
 */
export const recommendationCatalogueProjection: Projection<CatalogueDocument> = {
  name: CATALOGUE,
  route: (event) => {
    const id = idInStream(event.streamId, 'recommendation');
    return id !== null && event.type.startsWith('recommendation.') ? [id] : [];
  },
  apply: (doc, stored: StoredEvent) => {
    const event = recommendationEvents.parse<RecommendationEvent>(stored);
    const at = event.metadata.recordedAt;
    if (event.type === 'recommendation.created')
      return indexed({ ...event.data, version: event.version, createdAt: at, updatedAt: at });
    if (!doc) return null;
    const base = { ...toEntry(doc), version: event.version, updatedAt: at };
    switch (event.type) {
      case 'recommendation.text-revised':
        return indexed({ ...base, text: event.data.text });
      case 'recommendation.position-recorded':
        return indexed({ ...base, position: event.data.position });
      case 'recommendation.tagged':
        return indexed({
          ...base,
          themes: event.data.themes,
          affectedGroups: event.data.affectedGroups,
          sdgTargets: event.data.sdgTargets,
        });
      case 'recommendation.cluster-assigned':
        return indexed({ ...base, clusterKey: event.data.clusterKey });
      case 'recommendation.published':
        return indexed({ ...base, published: true });
      case 'recommendation.unpublished':
        return indexed({ ...base, published: false });
      default: {
        const _exhaustive: never = event;
        return doc;
      }
    }
  },
  beforeWrite: writePostings,
};
