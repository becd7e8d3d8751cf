import { streamIdOf, type StoredEvent } from '@tracker/contracts';
import type { Projection } from '@tracker/projections';

/**
 * Which streams an implementation report reads (docs/adr/0011-reports.md): an index of ids that only
 * grows, so whatever was in a cluster, a commitment or assessed at any instant is in it now. The report
 * reads those streams from the inbox by `streamId` and folds them as of its cut; it never scans the
 * inbox, so catalogue rows outside every cluster (imports of other states' recommendations) cost it
 * nothing. Documents, read by `_id`:
 *  - `clusters`: every cluster key a recommendation was assigned to or a title was given to;
 *  - `cluster:<key>`: every recommendation ever assigned to the cluster;
 *  - `commitments`: every commitment.
 * Assessments are not indexed: the report reads each item's assessment stream by its id (an item
 * without one costs an empty find), so a staff assessment costs this projection nothing.
 * Sets are kept sorted, so the documents do not depend on the order the topics deliver in (a rebuild
 * from the inbox gives the same documents).
 */
export interface ReportIndex {
  readonly ids: readonly string[];
}

export const REPORT_INDEX = 'report_index';
export const CLUSTERS = 'clusters';
export const COMMITMENTS = 'commitments';
export const clusterDoc = (key: string): string => `cluster:${key}`;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const dataOf = (event: StoredEvent): Record<string, unknown> =>
  typeof event.data === 'object' && event.data !== null ? (event.data as Record<string, unknown>) : {};

/** The documents an event adds an id to, with that id. */
const entriesOf = (event: StoredEvent): [doc: string, id: string][] => {
  const d = dataOf(event);
  switch (event.type) {
    case 'recommendation.created':
    case 'recommendation.cluster-assigned': {
      const cluster = str(d.clusterKey);
      const rec = str(d.recommendationId);
      return cluster && rec
        ? [
            [CLUSTERS, cluster],
            [clusterDoc(cluster), rec],
          ]
        : [];
    }
    case 'recommendation-cluster.titled': {
      const cluster = str(d.clusterKey);
      return cluster ? [[CLUSTERS, cluster]] : [];
    }
    case 'commitment.created': {
      const id = str(d.commitmentId);
      return id ? [[COMMITMENTS, id]] : [];
    }
    default:
      return [];
  }
};

export const reportIndexProjection: Projection<ReportIndex> = {
  name: REPORT_INDEX,
  route: (event) => entriesOf(event).map(([doc]) => doc),
  apply: (doc, event, docId) => {
    const ids = entriesOf(event)
      .filter(([d]) => d === docId)
      .map(([, id]) => id);
    const before = doc?.ids ?? [];
    const missing = ids.filter((id) => !before.includes(id));
    // Nothing to add: no write at all (null), not even the event's version in `_applied` — the sets only
    // grow, so an event that adds nothing can be applied again harmlessly. Not for `clusters`, where
    // many streams add the same key: which of them `_applied` would name would depend on the order the
    // topics deliver in, and a rebuild must equal the live document.
    if (missing.length === 0) return docId === CLUSTERS ? doc : null;
    return { ids: [...before, ...missing].sort() };
  },
};

/** The stream a report reads for a recommendation, a commitment or a cluster. */
export const recommendationStream = (id: string): string => streamIdOf('recommendation', id);
export const commitmentStream = (id: string): string => streamIdOf('commitment', id);
export const clusterStream = (key: string): string => streamIdOf('cluster', key);
