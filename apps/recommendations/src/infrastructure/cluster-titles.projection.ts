import {
  clusterEvents,
  type ClusterEvent,
  type ClusterTitle,
  idInStream,
  type StoredEvent,
} from '@tracker/contracts';
import type { Projection } from '@tracker/projections';

/** One cluster's title, keyed by its clusterKey. */
export interface ClusterTitleDocument {
  readonly clusterKey: string;
  readonly title: ClusterTitle;
  /** The version of the `cluster-<key>` stream that set it. */
  readonly version: number;
  readonly titledAt: string;
}

export const CLUSTER_TITLES = 'recommendation_cluster_titles';

/** Cluster titles: fed by the `cluster-<key>` streams of this service's own topic. */
export const clusterTitlesProjection: Projection<ClusterTitleDocument> = {
  name: CLUSTER_TITLES,
  route: (event) => {
    const key = idInStream(event.streamId, 'cluster');
    return key !== null && clusterEvents.has(event.type) ? [key] : [];
  },
  apply: (doc, stored: StoredEvent) => {
    // The store skips what it already applied; this keeps a redelivered or older event harmless on its own.
    if (doc && doc.version >= stored.version) return doc;
    const event = clusterEvents.parse<ClusterEvent>(stored);
    switch (event.type) {
      case 'recommendation-cluster.titled':
        return {
          clusterKey: event.data.clusterKey,
          title: event.data.title,
          version: event.version,
          titledAt: event.metadata.recordedAt,
        };
      default: {
        const _exhaustive: never = event.type;
        return doc;
      }
    }
  },
};
