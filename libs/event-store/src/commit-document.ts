import type { EventMetadata } from '@tracker/contracts';
import type { RecordedEvent } from './event-store.port';

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
 */
export interface CommitDocument {
  _id: string;
  streamId: string;
  version: number;
  lastVersion: number;
  recordedAt: Date;
  position?: number;
  lastPosition?: number;
  pending?: true;
  pages?: number[];
  firstPage?: number;
  events: EventRecord[];
}

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

/** 2: positioned commits carry `firstPage`. */
export const STORE_LAYOUT = 2;

/** Claims of global positions, `_id` = first position of the commit; unique commitId. */
export interface PositionClaim {
  _id: number;
  commitId: string;
  count: number;
}

/** The events of one commit document, with their global positions (null until the relay assigned them). */
export const eventsOf = (c: CommitDocument): RecordedEvent[] =>
  c.events.map((e, i) => ({ ...e, position: c.position === undefined ? null : c.position + i }));
