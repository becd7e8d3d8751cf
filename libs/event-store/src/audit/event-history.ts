import { Readable } from 'node:stream';
import type { Collection, Filter } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import { dayOf, eventsOf, hourOf, POSITION_PAGE, type CommitDocument } from '../commit-document';
import { firstRecordedDay, scanPositioned, visibleHeadPosition } from '../positioned-reads';

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
  /** A UUID: events whose stream id or data contain it (an item's timeline). */
  readonly mentions?: string;
}

export interface EventPage {
  readonly events: StoredEvent[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: number | null;
}

/**
 * Days a time filter may walk when the time range is what selects the commits (no stream or mentions):
 * one `day:` key per whole day and `hour:` keys for the partial days at either end, or with an actor or
 * type one day-qualified key per day. A year is a few hundred indexed lookups; a wider range is refused
 * (400) unless an actor or type can select instead.
 */
export const MAX_TIME_RANGE_DAYS = 366;
/** Commits another instance records with a clock slightly ahead still fall inside an open upper bound. */
const CLOCK_MARGIN_MS = 24 * 3_600_000;
/** Equality queries in flight at once for one request; also the position pages a key walk reads at once. */
const QUERY_CONCURRENCY = 8;
/**
 * Position pages a type or actor filter walks before it reads its key's whole set instead: a key that
 * matched fewer than a page of events in this many pages is sparse, and its set is cheaper than the rest
 * of the walk (measured in the ADR 0007 addendum).
 */
const KEY_WALK_PAGES = 32;

const DAY_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;

export class TimeRangeTooWideError extends Error {
  constructor(days: number) {
    super(
      `the time range spans ${days} days of history; at most ${MAX_TIME_RANGE_DAYS} can be listed at once: ` +
        'narrow from/to, or filter by stream, mentions, actor or type',
    );
  }
}

/** The UTC day numbers (days since the epoch) [from, to] touches, at most MAX_TIME_RANGE_DAYS. */
const dayNumbers = (from: Date, to: Date): number[] => {
  if (from > to) return [];
  const first = Math.floor(from.getTime() / DAY_MS);
  const count = Math.floor(to.getTime() / DAY_MS) - first + 1;
  if (count > MAX_TIME_RANGE_DAYS) throw new TimeRangeTooWideError(count);
  return Array.from({ length: count }, (_, k) => first + k);
};

/**
 * The `day:`/`hour:` keys (commit-document.ts auditKeys) of the commits recorded in [from, to]: whole
 * days by their day key, the partial first and last days hour by hour.
 */
export const timeKeys = (from: Date, to: Date): string[] =>
  dayNumbers(from, to).flatMap((d) => {
    const start = d * DAY_MS;
    const end = start + DAY_MS - 1;
    if (start >= from.getTime() && end <= to.getTime()) return [`day:${dayOf(new Date(start))}`];
    const firstHour = Math.floor(Math.max(start, from.getTime()) / HOUR_MS);
    const lastHour = Math.floor(Math.min(end, to.getTime()) / HOUR_MS);
    return Array.from(
      { length: lastHour - firstHour + 1 },
      (_, k) => `hour:${hourOf(new Date((firstHour + k) * HOUR_MS))}`,
    );
  });

/** A type or actor key within the days [from, to] touches: `day:<d>/<key>` for each (auditKeys). */
export const dayQualifiedKeys = (key: string, from: Date, to: Date): string[] =>
  dayNumbers(from, to).map((d) => `day:${dayOf(new Date(d * DAY_MS))}/${key}`);

/** Whether an event passes the filter (the commit-level conditions are checked by commitMatches). */
const matches = (f: EventFilter, e: StoredEvent): boolean =>
  (f.after === undefined || e.position > f.after) &&
  (!f.type || e.type === f.type) &&
  (!f.actor || e.metadata.actor === f.actor) &&
  (!f.mentions || e.streamId.includes(f.mentions) || JSON.stringify(e.data).includes(f.mentions));

const commitMatches = (f: EventFilter, c: CommitDocument): boolean =>
  c.position !== undefined &&
  (f.after === undefined || (c.lastPosition ?? 0) > f.after) &&
  (!f.stream || c.streamId === f.stream) &&
  (!f.from || c.recordedAt >= f.from) &&
  (!f.to || c.recordedAt <= f.to);

const positioned = (c: CommitDocument): StoredEvent[] =>
  eventsOf(c).filter((e): e is StoredEvent => e.position !== null);

/**
 * How a filter finds its commits, every query an equality the indexes serve on both servers:
 * - `set`: the union of these queries is a bounded superset (one stream, the commits mentioning an id,
 *   the day and hour keys of a time range, or with an actor or type its day-qualified keys), read whole
 *   and ordered by position in memory;
 * - `walk`: a type or actor key, which may match a large share of the history: read position page by
 *   position page from the cursor (`{keys, pages}`, both indexed: PostgreSQL ANDs the two GIN bitmaps),
 *   so a page of answers costs the pages it spans, not every match;
 * - `all`: the whole history, page by page (scanPositioned).
 */
export type Selection =
  | { readonly kind: 'set'; readonly queries: readonly Filter<CommitDocument>[] }
  | { readonly kind: 'walk'; readonly key: string }
  | { readonly kind: 'all' };

/**
 * The event history of one service, read straight from its `events` collection: filters, cursor
 * pagination by global position, and an NDJSON export. Only positioned events are listed (the relay
 * positions a commit within moments of it landing).
 *
 * Every read is a set of equality queries the indexes serve on both servers (ADR 0007, addendum): a
 * filtered history selects its commits by one field the store writes at append time (`streamId`,
 * `mentions`, or a `keys` entry), orders that bounded set by position in memory and checks the other
 * conditions there; the whole history is walked page by page (scanPositioned).
 */
export class EventHistory {
  constructor(
    private readonly commits: Collection<CommitDocument>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * How the filter's commits are found (Selection). Throws TimeRangeTooWideError when only a time range
   * selects and it is too wide.
   */
  async select(f: EventFilter): Promise<Selection> {
    if (f.stream) return { kind: 'set', queries: [{ streamId: f.stream }] };
    if (f.mentions) return { kind: 'set', queries: [{ mentions: f.mentions }] };
    // An actor usually narrows more than a type (many staff, a few event types).
    const by = f.actor ? `actor:${f.actor}` : f.type ? `type:${f.type}` : null;
    if (f.from || f.to) {
      try {
        const range = await this.timeRangeOf(f);
        if (!range) return { kind: 'set', queries: [] };
        const keys = by ? dayQualifiedKeys(by, ...range) : timeKeys(...range);
        return { kind: 'set', queries: keys.map((k) => ({ keys: k })) };
      } catch (err) {
        if (!(err instanceof TimeRangeTooWideError) || by === null) throw err;
      }
    }
    return by ? { kind: 'walk', key: by } : { kind: 'all' };
  }

  /** The range a time filter covers, its open ends closed (null: the store is empty). */
  private async timeRangeOf(f: EventFilter): Promise<[Date, Date] | null> {
    let from = f.from;
    if (!from) {
      const first = await firstRecordedDay(this.commits);
      if (first === null) return null;
      from = new Date(`${first}T00:00:00.000Z`);
    }
    return [from, f.to ?? new Date(this.clock().getTime() + CLOCK_MARGIN_MS)];
  }

  async page(filter: EventFilter, limit: number): Promise<EventPage> {
    const out: StoredEvent[] = [];
    for await (const e of this.scan(filter, await this.select(filter), Math.min(200, limit + 1))) {
      out.push(e);
      if (out.length > limit) break;
    }
    const more = out.length > limit;
    const events = more ? out.slice(0, limit) : out;
    return { events, next: more ? events[events.length - 1]!.position : null };
  }

  /** Matching events in position order. */
  private async *scan(
    filter: EventFilter,
    selection: Selection,
    batchSize: number,
  ): AsyncGenerator<StoredEvent> {
    if (selection.kind === 'set') {
      yield* this.ordered(filter, selection.queries);
      return;
    }
    const head = await visibleHeadPosition(this.commits);
    if (selection.kind === 'walk') {
      yield* this.walk(filter, selection.key, head);
      return;
    }
    // The whole history (no filter selects): page by page through equality queries, up to the head as it
    // is now, one batch in memory at a time however long the history (ADR 0005).
    for await (const batch of scanPositioned(this.commits, filter.after ?? 0, head, batchSize))
      for (const e of batch) if (matches(filter, e)) yield e;
  }

  /** The matching events of the commits these queries select, in position order. */
  private async *ordered(
    filter: EventFilter,
    queries: readonly Filter<CommitDocument>[],
  ): AsyncGenerator<StoredEvent> {
    const selected = new Map<string, CommitDocument>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < queries.length) {
        for (const c of await this.commits.find(queries[next++]!).toArray())
          if (commitMatches(filter, c)) selected.set(c._id, c);
      }
    };
    await Promise.all(Array.from({ length: Math.min(QUERY_CONCURRENCY, queries.length) }, worker));
    const ordered = [...selected.values()].sort((x, y) => (x.position ?? 0) - (y.position ?? 0));
    for (const c of ordered) for (const e of positioned(c)) if (matches(filter, e)) yield e;
  }

  /**
   * A key's matching events after the cursor, a few position pages at a time, up to `head`; once
   * KEY_WALK_PAGES pages are walked, the rest from the key's whole set (see KEY_WALK_PAGES).
   */
  private async *walk(filter: EventFilter, key: string, head: number): AsyncGenerator<StoredEvent> {
    let after = filter.after ?? 0;
    for (let walked = 0; after < head; walked += QUERY_CONCURRENCY) {
      if (walked >= KEY_WALK_PAGES) {
        yield* this.ordered({ ...filter, after }, [{ keys: key }]);
        return;
      }
      const first = Math.floor((after + 1) / POSITION_PAGE);
      const upTo = Math.min(head, (first + QUERY_CONCURRENCY) * POSITION_PAGE - 1);
      const pages = await Promise.all(
        Array.from({ length: QUERY_CONCURRENCY }, (_, k) =>
          this.commits.find({ keys: key, pages: first + k }).toArray(),
        ),
      );
      const commits = new Map(pages.flat().map((c) => [c._id, c]));
      const ordered = [...commits.values()]
        .filter((c) => commitMatches({ ...filter, after }, c))
        .sort((x, y) => (x.position ?? 0) - (y.position ?? 0));
      // A commit spanning the window's end yields the rest of its events in the next window.
      for (const c of ordered)
        for (const e of positioned(c))
          if (e.position > after && e.position <= upTo && matches(filter, e)) yield e;
      after = upTo;
    }
  }

  /**
   * NDJSON, one event per line. Lines are grouped into ~64 KB chunks; the stream pulls only when the
   * consumer (the HTTP response) drained, so an unfiltered export keeps memory flat however long the
   * history; a filtered one holds the commits its key selected. Resolves once the filter is known to be
   * answerable (TimeRangeTooWideError otherwise), before any line is written.
   */
  async ndjson(filter: EventFilter, onEvent?: (count: number) => void): Promise<Readable> {
    // Larger batches than a page of the API: fewer round trips, still well under a megabyte held.
    const events = this.scan(filter, await this.select(filter), 512);
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
