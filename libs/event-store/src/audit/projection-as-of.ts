import type { Collection } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import { foldProjectionRow, type FoldedRow } from '@tracker/projections';
import type { CommitDocument } from '../commit-document';
import type { AuditedProjection } from './audit.options';
import { eventsOf } from '../commit-document';

export interface ProjectionRowAsOf {
  readonly projection: string;
  readonly id: string;
  readonly asOf: string | null;
  readonly source: AuditedProjection['source'];
  /** The row as the read model would have shown it, or null when it did not exist yet. */
  readonly state: object | null;
  /** Last version applied per stream. */
  readonly applied: Record<string, number>;
  readonly events: readonly { streamId: string; version: number; type: string; recordedAt: string }[];
}

/**
 * A read-model row as of an instant: the projection (a pure fold) applied to the events recorded up to
 * then, from the projection's own source — the event store, or the inbox for read models fed by other
 * contexts. Exact and repeatable; nothing is read from the live read model.
 */
export class ProjectionAsOf {
  constructor(
    private readonly commits: Collection<CommitDocument> | null,
    private readonly inbox: {
      batches(scan: { recordedUntil?: Date }, batchSize?: number): AsyncIterable<StoredEvent[]>;
    } | null,
  ) {}

  async row(audited: AuditedProjection, id: string, asOf: Date | null): Promise<ProjectionRowAsOf> {
    let folded: FoldedRow<object> = { doc: null, applied: {}, events: [] };
    for await (const batch of this.source(audited, asOf)) {
      folded = foldProjectionRow(audited.projection, batch, id, folded);
    }
    return {
      projection: audited.projection.name,
      id,
      asOf: asOf?.toISOString() ?? null,
      source: audited.source,
      state: folded.doc,
      applied: folded.applied,
      events: folded.events.map((e) => ({
        streamId: e.streamId,
        version: e.version,
        type: e.type,
        recordedAt: e.metadata.recordedAt,
      })),
    };
  }

  /** Other contexts' events from the inbox, then the service's own from its store (rebuild-sources.ts). */
  private async *source(audited: AuditedProjection, asOf: Date | null): AsyncGenerator<StoredEvent[]> {
    if (audited.source === 'inbox' && this.inbox)
      yield* this.inbox.batches(asOf ? { recordedUntil: asOf } : {});
    yield* this.ownEvents(asOf);
  }

  private async *ownEvents(asOf: Date | null): AsyncGenerator<StoredEvent[]> {
    if (!this.commits) return;
    const cursor = this.commits
      .find(asOf ? { recordedAt: { $lte: asOf } } : {})
      .sort({ recordedAt: 1, streamId: 1, version: 1 })
      .batchSize(200);
    try {
      let batch: StoredEvent[] = [];
      for await (const c of cursor) {
        for (const e of eventsOf(c)) batch.push({ ...e, position: e.position ?? 0 });
        if (batch.length >= 500) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      await cursor.close();
    }
  }
}
