import type { Db } from 'mongodb';
import { assessmentIdFor, streamIdOf, type StoredEvent } from '@tracker/contracts';
import type { EventStore } from '@tracker/event-store';
import { replayOrder, type MongoInbox, type ReadModelDocument } from '@tracker/projections';
import {
  CLUSTERS,
  clusterDoc,
  clusterStream,
  COMMITMENTS,
  commitmentStream,
  recommendationStream,
  REPORT_INDEX,
  type ReportIndex,
} from './report-index.projection';

/** What a report folds: the events of its streams as of the cut, and the rows and clusters it asks for. */
export interface ReportEvents {
  /** Recorded up to the cut, in replay order (recordedAt, streamId, version). */
  readonly events: StoredEvent[];
  /** The tracker rows to fold: the clusters' recommendations and every commitment. */
  readonly itemIds: string[];
  readonly clusterKeys: readonly string[];
}

/**
 * Reads the streams a report needs as of the cut: recommendations, cluster titles and commitments from
 * the inbox (what follow-up consumed from the other contexts, ADR 0007), assessments from its own store;
 * which ones, from the report index. Every read is an equality on `_id` (the index) or `streamId` (the
 * inbox, the store), a few at a time: docs/adr/0011-reports.md.
 */
export class ReportStreams {
  constructor(
    private readonly db: Db,
    private readonly inbox: MongoInbox,
    private readonly store: EventStore,
  ) {}

  private async ids(doc: string): Promise<readonly string[]> {
    const found = await this.db
      .collection<ReadModelDocument<ReportIndex>>(REPORT_INDEX)
      .findOne({ _id: doc });
    return found?.ids ?? [];
  }

  async read(cluster: string | null, recordedUntil: Date): Promise<ReportEvents> {
    const [clusterKeys, commitments] = await Promise.all([
      cluster !== null ? Promise.resolve([cluster]) : this.ids(CLUSTERS),
      this.ids(COMMITMENTS),
    ]);
    const recommendations = [
      ...new Set((await Promise.all(clusterKeys.map((k) => this.ids(clusterDoc(k))))).flat()),
    ];
    // Every item's assessment stream, by its id (none yet: an empty find): not indexed, so that a
    // staff assessment costs the report index nothing (report-index.projection.ts).
    const assessmentStreams = [
      ...recommendations.map((id) => ({ kind: 'recommendation' as const, id })),
      ...commitments.map((id) => ({ kind: 'commitment' as const, id })),
    ].map((t) => streamIdOf('assessment', assessmentIdFor(t)));
    const [consumed, own] = await Promise.all([
      this.inbox.streams(
        [
          ...recommendations.map(recommendationStream),
          ...commitments.map(commitmentStream),
          ...clusterKeys.map(clusterStream),
        ],
        { recordedUntil },
      ),
      this.store.readStreams(assessmentStreams),
    ]);
    // Each stream comes from one source (the inbox keeps only what follow-up consumed from others), both
    // cut at the same instant, then merged in replay order.
    const assessments = [...own.values()]
      .flat()
      .filter((e) => Date.parse(e.metadata.recordedAt) <= recordedUntil.getTime())
      .map((e): StoredEvent => ({ ...e, position: e.position ?? 0 }));
    return {
      events: [...consumed, ...assessments].sort(replayOrder),
      itemIds: [...recommendations, ...commitments],
      clusterKeys,
    };
  }
}
