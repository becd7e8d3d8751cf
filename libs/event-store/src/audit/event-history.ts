import { Readable } from 'node:stream';
import type { Collection, Document, Filter } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import { eventsOf, type CommitDocument } from '../commit-document';
import { probeHeadPosition, scanPositioned } from '../mongo-event-store';

export interface EventFilter {
  /** Exact stream id. */
  readonly stream?: string;
  readonly type?: string;
  readonly actor?: string;
  /** recordedAt bounds, inclusive. */
  readonly from?: Date;
  readonly to?: Date;
  /** Only events with a global position greater than this (the pagination cursor). */
  readonly after?: number;
  /** Events of a stream whose id contains this, or whose data mentions it (an item's timeline). */
  readonly mentions?: string;
}

export interface EventPage {
  readonly events: StoredEvent[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: number | null;
}

const commitFilter = (f: EventFilter): Filter<Document> => {
  const q: Filter<Document> = { position: { $exists: true } };
  if (f.stream) q.streamId = f.stream;
  if (f.from || f.to) q.recordedAt = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lte: f.to } : {}) };
  if (f.after !== undefined) q.lastPosition = { $gt: f.after };
  if (f.type) q['events.type'] = f.type;
  if (f.actor) q['events.metadata.actor'] = f.actor;
  return q;
};

const matches = (f: EventFilter, e: StoredEvent): boolean =>
  (f.after === undefined || e.position > f.after) &&
  (!f.type || e.type === f.type) &&
  (!f.actor || e.metadata.actor === f.actor) &&
  (!f.mentions || e.streamId.includes(f.mentions) || JSON.stringify(e.data).includes(f.mentions));

const positioned = (c: CommitDocument): StoredEvent[] =>
  eventsOf(c).filter((e): e is StoredEvent => e.position !== null);

/**
 * The event history of one service, read straight from its `events` collection: filters, cursor
 * pagination by global position, and an NDJSON export that holds one cursor batch in memory at a time.
 * Only positioned events are listed (the relay positions a commit within moments of it landing).
 */
export class EventHistory {
  constructor(private readonly commits: Collection<CommitDocument>) {}

  async page(filter: EventFilter, limit: number): Promise<EventPage> {
    const out: StoredEvent[] = [];
    for await (const e of this.scan(filter, Math.min(200, limit + 1))) {
      out.push(e);
      if (out.length > limit) break;
    }
    const more = out.length > limit;
    const events = more ? out.slice(0, limit) : out;
    return { events, next: more ? events[events.length - 1]!.position : null };
  }

  /** Matching events in position order, one batch of commits in memory at a time. */
  async *scan(filter: EventFilter, batchSize = 64): AsyncGenerator<StoredEvent> {
    if (!filter.stream && !filter.from && !filter.to) {
      // The whole history (type, actor and mentions are checked per event anyway): page by page through
      // equality queries, up to the head as it is now. A sorted cursor over every commit made FerretDB
      // hold them all in its heap (ADR 0005); this keeps both sides flat however long the history.
      const head = await probeHeadPosition(this.commits);
      for await (const batch of scanPositioned(this.commits, filter.after ?? 0, head, batchSize))
        for (const e of batch) if (matches(filter, e)) yield e;
      return;
    }
    const cursor = (this.commits as unknown as Collection<Document>)
      .find(commitFilter(filter))
      .sort({ position: 1 })
      .batchSize(batchSize);
    try {
      for await (const doc of cursor) {
        for (const e of positioned(doc as unknown as CommitDocument)) if (matches(filter, e)) yield e;
      }
    } finally {
      await cursor.close();
    }
  }

  /**
   * NDJSON, one event per line. Lines are grouped into ~64 KB chunks; the stream pulls from the cursor
   * only when the consumer (the HTTP response) drained, so memory stays flat however long the history.
   */
  ndjson(filter: EventFilter, onEvent?: (count: number) => void): Readable {
    // Larger batches than a page of the API: fewer round trips, still well under a megabyte held.
    const events = this.scan(filter, 512);
    async function* chunks(): AsyncGenerator<string> {
      let chunk = '';
      let count = 0;
      for await (const e of events) {
        chunk += `${JSON.stringify(e)}\n`;
        count += 1;
        if (chunk.length >= 64 * 1024) {
          onEvent?.(count);
          yield chunk;
          chunk = '';
        }
      }
      onEvent?.(count);
      if (chunk) yield chunk;
    }
    const stream = Readable.from(chunks(), { highWaterMark: 4 });
    stream.on('close', () => void events.return(undefined).catch(() => undefined));
    return stream;
  }
}
