import type { Collection, Db, Filter } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import { ensureIndexes, isDuplicateKey } from '@tracker/ferretdb';
import { insertManyIgnoringDuplicates } from './duplicate-keys';

/** One consumed event, kept as received; `_id` = `<streamId>@<version>` makes redeliveries no-ops. */
export interface InboxRecord {
  _id: string;
  streamId: string;
  version: number;
  topic: string;
  /** When the producing service committed the event (its metadata.recordedAt). */
  recordedAt: Date;
  /** When this service first received it. */
  receivedAt: Date;
  event: StoredEvent;
}

export interface InboxScan {
  /** Only events the producer recorded at or before this instant. */
  readonly recordedUntil?: Date;
  /** Only events this service received at or after this instant. */
  readonly receivedSince?: Date;
}

export const INBOX_COLLECTION = 'inbox';

/** How many recorded ids an inbox remembers: a few consumer batches of every projection. */
const RECENTLY_RECORDED = 10_000;

/**
 * Append-only copy of every event a service consumed from other contexts' topics (ADR 0007). Read
 * models fed by foreign topics are rebuilt and folded "as of" a date from it, exactly, without going
 * back to Kafka or to the other services. Written before the read model, so it never misses an event
 * the read model has seen.
 */
export class MongoInbox {
  readonly records: Collection<InboxRecord>;
  /** Ids this process recorded lately, oldest first (remember). */
  private readonly recent = new Map<string, true>();
  /** Ids being inserted by this process now, with the insert. */
  private readonly sending = new Map<string, Promise<unknown>>();

  constructor(
    db: Db,
    collectionName = INBOX_COLLECTION,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.records = db.collection<InboxRecord>(collectionName);
  }

  async init(): Promise<void> {
    // Replays sort and bound by these; FerretDB does both in Go and the btrees would only slow its
    // inserts (ensureIndexes).
    await ensureIndexes(this.records.db, this.records, [
      { key: { recordedAt: 1, streamId: 1, version: 1 }, options: { name: 'recorded_at' } },
      { key: { receivedAt: 1 }, options: { name: 'received_at' } },
      // What a reader of a few streams asks (`streams`); FerretDB serves it from its `streamId` GIN index.
      { key: { streamId: 1, version: 1 }, options: { name: 'stream' } },
    ]);
  }

  /** Records one consumed event; returns false when it was already there. */
  async record(event: StoredEvent, topic: string): Promise<boolean> {
    const record = this.recordOf(event, topic);
    if (this.recent.has(record._id)) return false;
    const sending = this.sending.get(record._id);
    if (sending) {
      await sending;
      return false;
    }
    const insert = this.records.insertOne(record).then(
      () => true,
      (err: unknown) => {
        if (isDuplicateKey(err)) return false;
        throw err;
      },
    );
    return this.track([record._id], insert);
  }

  /** Records a run of events in one unordered insert; ones already recorded are skipped. */
  async recordMany(events: readonly StoredEvent[], topic: string): Promise<void> {
    const records = events.map((e) => this.recordOf(e, topic)).filter((r) => !this.recent.has(r._id));
    const theirs = new Set(records.flatMap((r) => this.sending.get(r._id) ?? []));
    const mine = records.filter((r) => !this.sending.has(r._id));
    const insert = mine.length > 0 ? insertManyIgnoringDuplicates(this.records, mine) : null;
    await Promise.all([
      ...theirs,
      ...(insert
        ? [
            this.track(
              mine.map((r) => r._id),
              insert,
            ),
          ]
        : []),
    ]);
  }

  /** While `insert` runs, others wanting the same ids wait for it; once it succeeded, they are known. */
  private async track<T>(ids: readonly string[], insert: Promise<T>): Promise<T> {
    for (const id of ids) this.sending.set(id, insert);
    try {
      const result = await insert;
      this.remember(ids);
      return result;
    } finally {
      for (const id of ids) if (this.sending.get(id) === insert) this.sending.delete(id);
    }
  }

  /**
   * Every projection of a service fed by several topics records what it consumes, so each event comes
   * once per projection (the tracker and the assessment activity both take the follow-up topic, at the
   * same moment): what this process recorded lately, or is recording right now, is not sent again.
   * Only ids stored for sure are remembered; a wait on another's insert fails if that insert does.
   */
  private remember(ids: readonly string[]): void {
    for (const id of ids) {
      this.recent.delete(id);
      this.recent.set(id, true);
    }
    for (const id of this.recent.keys()) {
      if (this.recent.size <= RECENTLY_RECORDED) break;
      this.recent.delete(id);
    }
  }

  private recordOf(event: StoredEvent, topic: string) {
    return {
      _id: `${event.streamId}@${event.version}`,
      streamId: event.streamId,
      version: event.version,
      topic,
      recordedAt: new Date(event.metadata.recordedAt),
      receivedAt: this.clock(),
      event,
    };
  }

  /**
   * The consumed events of the given streams only, in replay order, cut like `batches`: one indexed
   * equality on `streamId` a stream (a few at a time), cut and ordered here, so a reader of a few hundred
   * streams costs their events, not the whole inbox (FerretDB pushes down only a top-level equality).
   */
  async streams(
    streamIds: Iterable<string>,
    scan: Pick<InboxScan, 'recordedUntil'> = {},
  ): Promise<StoredEvent[]> {
    const pending = [...new Set(streamIds)];
    const out: StoredEvent[] = [];
    const until = scan.recordedUntil?.getTime();
    const worker = async (): Promise<void> => {
      for (let id = pending.pop(); id !== undefined; id = pending.pop())
        for (const r of await this.records.find({ streamId: id }).toArray())
          if (until === undefined || r.recordedAt.getTime() <= until) out.push(r.event);
    };
    await Promise.all(Array.from({ length: STREAM_READS }, worker));
    return out.sort(replayOrder);
  }

  count(scan: InboxScan = {}): Promise<number> {
    return this.records.countDocuments(filterOf(scan));
  }

  /** Events in replay order (recorded time, then stream and version), in batches. */
  async *batches(scan: InboxScan = {}, batchSize = 500): AsyncGenerator<StoredEvent[]> {
    const cursor = this.records
      .find(filterOf(scan))
      .sort({ recordedAt: 1, streamId: 1, version: 1 })
      .batchSize(batchSize);
    let batch: StoredEvent[] = [];
    try {
      for await (const r of cursor) {
        batch.push(r.event);
        if (batch.length >= batchSize) {
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

/** Replay order: recorded time, then stream and version (what `batches` sorts by). */
export const replayOrder = (a: StoredEvent, b: StoredEvent): number =>
  a.metadata.recordedAt.localeCompare(b.metadata.recordedAt) ||
  a.streamId.localeCompare(b.streamId) ||
  a.version - b.version;

/** How many streams `streams` reads at once. */
const STREAM_READS = 8;

const filterOf = (scan: InboxScan): Filter<InboxRecord> => ({
  ...(scan.recordedUntil ? { recordedAt: { $lte: scan.recordedUntil } } : {}),
  ...(scan.receivedSince ? { receivedAt: { $gte: scan.receivedSince } } : {}),
});
