import type { Collection } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import type { MongoInbox, RebuildSource } from '@tracker/projections';
import type { CommitDocument } from '../commit-document';
import { scanPositioned, visibleHeadPosition as headPosition } from '../positioned-reads';

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
    // Each commit read once, in position order: a sorted range cursor over a million commits made
    // FerretDB materialise them all in its heap (OOM-killed at 7 GB; bench/event-store).
    return scanPositioned(this.commits, 0, this.mark, batchSize);
  }

  async *catchUp(batchSize: number): AsyncGenerator<StoredEvent[]> {
    const from = this.mark;
    const head = await headPosition(this.commits);
    this.mark = head;
    yield* scanPositioned(this.commits, from, head, batchSize);
  }
}

/** How far back a catch-up pass re-reads the inbox: absorbs clock skew between instances. */
const INBOX_OVERLAP_MS = 60_000;

/**
 * Replays the inbox of events consumed from other contexts (ADR 0007), then, when the service has an
 * event store, its own events from there: the inbox keeps only other contexts' events (an own event is
 * in the store already; copying it cost an insert per staff update). A read model folds topics in any
 * relative order (it is fed so live), and each stream comes from one source, in version order; an own
 * event an older inbox still holds is replayed twice and skipped the second time (per-stream versions).
 */
export class InboxRebuildSource implements RebuildSource {
  readonly kind = 'inbox' as const;
  private mark = new Date(0);
  private readonly own: EventStoreRebuildSource | null;

  constructor(
    private readonly inbox: MongoInbox,
    commits: Collection<CommitDocument> | null,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.own = commits ? new EventStoreRebuildSource(commits) : null;
  }

  async snapshot(): Promise<{ total: number }> {
    this.mark = this.clock();
    const own = (await this.own?.snapshot())?.total ?? 0;
    return { total: (await this.inbox.count()) + own };
  }

  async *replay(batchSize: number): AsyncGenerator<StoredEvent[]> {
    yield* this.inbox.batches({}, batchSize);
    if (this.own) yield* this.own.replay(batchSize);
  }

  async *catchUp(batchSize: number): AsyncGenerator<StoredEvent[]> {
    const since = new Date(this.mark.getTime() - INBOX_OVERLAP_MS);
    this.mark = this.clock();
    yield* this.inbox.batches({ receivedSince: since }, batchSize);
    if (this.own) yield* this.own.catchUp(batchSize);
  }
}
