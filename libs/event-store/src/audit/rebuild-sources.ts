import type { Collection } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import type { MongoInbox, RebuildSource } from '@tracker/projections';
import type { CommitDocument } from '../commit-document';
import { eventsOf } from './event-history';

async function* positionedBatches(
  commits: Collection<CommitDocument>,
  after: number,
  upTo: number,
  batchSize: number,
): AsyncGenerator<StoredEvent[]> {
  const cursor = commits
    .find({ lastPosition: { $gt: after }, position: { $lte: upTo } })
    .sort({ position: 1 })
    .batchSize(Math.max(10, Math.floor(batchSize / 2)));
  let batch: StoredEvent[] = [];
  try {
    for await (const c of cursor) {
      for (const e of eventsOf(c)) {
        if (e.position === null || e.position <= after || e.position > upTo) continue;
        batch.push(e as StoredEvent);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await cursor.close();
  }
}

/** Highest assigned position. A drained, unsorted, unlimited scan: FerretDB pins a pooled connection to
 * sorted+limited cursors (see MongoEventStore.readAll). */
const headPosition = async (commits: Collection<CommitDocument>): Promise<number> => {
  const ends = await commits
    .find({ lastPosition: { $gt: 0 } }, { projection: { lastPosition: 1 } })
    .toArray();
  return ends.reduce((max, c) => Math.max(max, c.lastPosition ?? 0), 0);
};

/** Replays this service's own event store in global position order, up to the head at the snapshot. */
export class EventStoreRebuildSource implements RebuildSource {
  readonly kind = 'event-store' as const;
  private mark = 0;

  constructor(private readonly commits: Collection<CommitDocument>) {}

  async snapshot(): Promise<{ total: number }> {
    this.mark = await headPosition(this.commits);
    // Positions are contiguous from 1, so the head is also the number of events to replay.
    return { total: this.mark };
  }

  replay(batchSize: number): AsyncIterable<StoredEvent[]> {
    return positionedBatches(this.commits, 0, this.mark, batchSize);
  }

  async *catchUp(batchSize: number): AsyncGenerator<StoredEvent[]> {
    const from = this.mark;
    const head = await headPosition(this.commits);
    this.mark = head;
    yield* positionedBatches(this.commits, from, head, batchSize);
  }
}

/** How far back a catch-up pass re-reads the inbox: absorbs clock skew between instances. */
const INBOX_OVERLAP_MS = 60_000;

/** Replays the inbox of events consumed from other contexts (ADR 0007). */
export class InboxRebuildSource implements RebuildSource {
  readonly kind = 'inbox' as const;
  private mark = new Date(0);

  constructor(
    private readonly inbox: MongoInbox,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async snapshot(): Promise<{ total: number }> {
    this.mark = this.clock();
    return { total: await this.inbox.count() };
  }

  replay(batchSize: number): AsyncIterable<StoredEvent[]> {
    return this.inbox.batches({}, batchSize);
  }

  async *catchUp(batchSize: number): AsyncGenerator<StoredEvent[]> {
    const since = new Date(this.mark.getTime() - INBOX_OVERLAP_MS);
    this.mark = this.clock();
    yield* this.inbox.batches({ receivedSince: since }, batchSize);
  }
}
