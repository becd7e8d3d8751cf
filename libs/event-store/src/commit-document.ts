import type { EventMetadata } from '@tracker/contracts';
import type { RecordedEvent } from './event-store.port';
import type { CommitRequest } from './idempotent-request';

/** One stored event inside its commit document. */
export interface EventRecord {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * A command's events are stored as ONE document, so a commit is all-or-nothing on any MongoDB-wire
 * server (no multi-document transaction needed). `version` is the first event's version: the unique
 * index on (streamId, version) makes two writers that loaded the same version collide (E11000).
 * `position`/`lastPosition` stay absent until the relay assigns them; until then `pending` is true.
 *
 * `pending` and `pages` exist so that every hot query is an equality: FerretDB 1.x pushes only
 * equalities down to its storage and evaluates ranges, `$exists` and sorts in Go over the whole
 * collection (ADR 0005). `pages` lists the position pages (position / POSITION_PAGE) the commit spans;
 * `firstPage` is the first of them, so that a sequential reader fetches every commit exactly once.
 * `mentions` and `keys` (auditIndexFields) make every audit filter an equality too.
 */
export interface CommitDocument {
  _id: string;
  streamId: string;
  version: number;
  lastVersion: number;
  recordedAt: Date;
  position?: number;
  lastPosition?: number;
  /**
   * Until positioned: `[true, <slot>]` (`true` in commits written before slots), so that `{pending:
   * true}` finds every pending commit and `{pending: <slot>}` those of one slot (pendingOf).
   */
  pending?: true | readonly [true, number];
  pages?: number[];
  firstPage?: number;
  /** Every UUID its events' stream ids and data contain (auditIndexFields). Absent before layout 3. */
  mentions?: string[];
  /** Equality keys of the audit filters: `type:`, `actor:`, `day:`, `hour:`, `day:…/type:`, `day:…/actor:`. */
  keys?: string[];
  /** The Idempotency-Key request the commit was made for, if any (idempotent-request.ts). */
  request?: CommitRequest;
  events: EventRecord[];
}

/**
 * Pending commits are spread over this many slots by stream. FerretDB 1.24 applies a find's limit in Go,
 * after PostgreSQL has produced every row matching the pushed-down filter: with 20,000 commits pending
 * (an import), `find({pending: true}, {limit: 500})` made PostgreSQL produce all 20,000 (~0.6 s of a
 * 1.0 s round under load). A relay with a backlog reads one slot a round instead, a sixteenth of it.
 */
export const PENDING_SLOTS = 16;

/** The slot of a stream's pending commits (FNV-1a of its id): all of one stream's are in one slot. */
export const pendingSlotOf = (streamId: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i += 1) {
    h ^= streamId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % PENDING_SLOTS;
};

/** A new commit's `pending`: an array equality matches each element on both servers. */
export const pendingOf = (streamId: string): readonly [true, number] => [true, pendingSlotOf(streamId)];

/** Positions per page: readAll(after, limit) reads the pages covering (after, after + limit]. */
export const POSITION_PAGE = 128;

/** What a commit occupying positions first..last carries once positioned (and no longer `pending`). */
export const positionFields = (
  first: number,
  last: number,
): Required<Pick<CommitDocument, 'position' | 'lastPosition' | 'pages' | 'firstPage'>> => {
  const pages: number[] = [];
  for (let p = Math.floor(first / POSITION_PAGE); p <= Math.floor(last / POSITION_PAGE); p += 1)
    pages.push(p);
  return { position: first, lastPosition: last, pages, firstPage: pages[0]! };
};

/** The highest applied position, kept so that finding it is an `_id` lookup rather than a scan. */
export interface HeadDocument {
  _id: 'applied';
  position: number;
  /** Absent before commits carried `firstPage`; init() brings such a store to STORE_LAYOUT once. */
  layout?: number;
}

/**
 * 2: positioned commits carry `firstPage`. 3: every commit carries `mentions` and `keys`. 4: `keys` also
 * holds the day-qualified type and actor keys.
 */
export const STORE_LAYOUT = 4;

/**
 * The earliest UTC day any commit was recorded on (`YYYY-MM-DD`), kept beside the head so that a time
 * filter open on its lower side walks a bounded list of day keys. Lowered with `$min` before a commit
 * of an earlier day is inserted, so it never lies above a stored commit.
 */
export interface FirstDayDocument {
  _id: 'first-day';
  day: string;
}

/**
 * Every 36-character UUID-shaped substring, at every offset (a lookahead, so overlapping candidates are
 * not skipped): for a UUID `m`, `text.includes(m)` holds exactly when this lists `m` (same case).
 */
const UUID_AT = /(?=([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))/gi;

export const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The ids an event is about: every UUID in its stream id or anywhere in its data, which covers each
 * contract's own id (`commitmentId`, `recommendationId`, `assessmentId`), the linked ones
 * (`linkedRecommendationIds`, an assessment's `target.id`) and any id a future field carries. It is the
 * index form of the audit `mentions` filter, which matched the id as a substring of the stream id or of
 * the data's JSON (event-history.ts): for a UUID the two give the same answers.
 */
export const mentionsOf = (event: Pick<EventRecord, 'streamId' | 'data'>): string[] => {
  const found = new Set<string>();
  for (const text of [event.streamId, JSON.stringify(event.data)])
    for (const m of text.matchAll(UUID_AT)) found.add(m[1]!);
  return [...found];
};

/** `YYYY-MM-DD` (UTC) of an instant: the day key's value. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);
/** `YYYY-MM-DDTHH` (UTC) of an instant: the hour key's value. */
export const hourOf = (at: Date): string => at.toISOString().slice(0, 13);

/**
 * The audit filters as equality keys (the `name:value` convention of libs/ferretdb/src/keys.ts):
 * a filter by type or actor asks `{keys: 'type:…'}`, a time range walks its `day:`/`hour:` keys, and a
 * type or actor within a time range its days' `day:<d>/type:…` or `day:<d>/actor:…` keys (the day has a
 * fixed length, so no two pairs give the same key).
 */
export const auditKeys = (events: readonly EventRecord[], recordedAt: Date): string[] => {
  const day = dayOf(recordedAt);
  const byWhat = [...events.map((e) => `type:${e.type}`), ...events.map((e) => `actor:${e.metadata.actor}`)];
  return [
    ...new Set([
      ...byWhat,
      `day:${day}`,
      `hour:${hourOf(recordedAt)}`,
      ...byWhat.map((k) => `day:${day}/${k}`),
    ]),
  ];
};

/** What a commit carries for the audit reads, written with it at append time (ADR 0007, addendum). */
export const auditIndexFields = (
  events: readonly EventRecord[],
  recordedAt: Date,
): Required<Pick<CommitDocument, 'mentions' | 'keys'>> => ({
  mentions: [...new Set(events.flatMap(mentionsOf))],
  keys: auditKeys(events, recordedAt),
});

/** Claims of global positions, `_id` = first position of the commit; unique commitId. */
export interface PositionClaim {
  _id: number;
  commitId: string;
  count: number;
}

/** The events of one commit document, with their global positions (null until the relay assigned them). */
export const eventsOf = (c: CommitDocument): RecordedEvent[] =>
  c.events.map((e, i) => ({ ...e, position: c.position === undefined ? null : c.position + i }));
