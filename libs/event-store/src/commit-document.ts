import type { EventMetadata } from '@tracker/contracts';

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
 * `position`/`lastPosition` stay absent until the relay assigns them.
 */
export interface CommitDocument {
  _id: string;
  streamId: string;
  version: number;
  lastVersion: number;
  recordedAt: Date;
  position?: number;
  lastPosition?: number;
  events: EventRecord[];
}

/** Claims of global positions, `_id` = first position of the commit; unique commitId. */
export interface PositionClaim {
  _id: number;
  commitId: string;
  count: number;
}
