import { createHash } from 'node:crypto';
import { canonicalJson, type EventMetadata } from '@tracker/contracts';

/** The part of an event the hash covers: everything but the position, which the relay assigns later. */
export interface HashedFields {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export const hashEvent = (prevHash: string, e: HashedFields): string =>
  createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(
      canonicalJson({
        eventId: e.eventId,
        streamId: e.streamId,
        version: e.version,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        metadata: e.metadata,
      }),
    )
    .digest('hex');
