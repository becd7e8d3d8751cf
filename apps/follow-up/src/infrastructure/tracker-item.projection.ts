import { recommendationEvents, type RecommendationEvent, type StoredEvent } from '@tracker/contracts';
import type { Projection } from '@tracker/projections';

/** What the tracker shows of a recommendation (event-carried state from the recommendations topic). */
export interface TrackedRecommendation {
  readonly id: string;
  readonly externalKey: string | null;
  readonly mechanism: string;
  readonly recommendingEntities: readonly string[];
  readonly citation: string;
  readonly documentDate: string;
  readonly text: { en: string; fr: string | null };
  readonly themes: readonly string[];
  readonly position: string | null;
  readonly clusterKey: string | null;
  readonly published: boolean;
}

/** One row per tracked item: the recommendation joined with its commitments and latest assessment. */
export interface TrackerItem {
  readonly itemId: string;
  readonly kind: 'recommendation';
  readonly recommendation: TrackedRecommendation | null;
  readonly updatedAt: string;
}

export const TRACKER = 'tracker_items';

export const trackerItemProjection: Projection<TrackerItem> = {
  name: TRACKER,
  route: (event) =>
    event.type.startsWith('recommendation.') ? [event.streamId.replace(/^recommendation-/, '')] : [],
  apply: (doc, stored: StoredEvent, id) => {
    if (!stored.type.startsWith('recommendation.')) return doc;
    const event = recommendationEvents.parse<RecommendationEvent>(stored);
    switch (event.type) {
      case 'recommendation.created': {
        const d = event.data;
        return {
          ...(doc ?? {}),
          itemId: id,
          kind: 'recommendation',
          recommendation: {
            id: d.recommendationId,
            externalKey: d.externalKey,
            mechanism: d.mechanism,
            recommendingEntities: d.recommendingEntities,
            citation: d.document.citation,
            documentDate: d.document.date,
            text: { en: d.text.en, fr: d.text.fr },
            themes: d.themes,
            position: d.position?.value ?? null,
            clusterKey: d.clusterKey,
            published: d.published,
          },
          updatedAt: event.metadata.recordedAt,
        };
      }
      default:
        return doc;
    }
  },
};
