import { GENESIS_HASH } from '@tracker/contracts';
import type { AppendRequest, HashBreak, RecordedEvent } from './event-store.port';
import { hashEvent } from './hash-chain';
import type { EventRecord } from './commit-document';

/** Builds the hashed records of one commit; shared by every store implementation. */
export const sealCommit = (
  request: AppendRequest,
  prevHash: string,
  recordedAt: Date,
  newId: () => string,
): EventRecord[] => {
  let prev = prevHash;
  return request.events.map((e, i) => {
    const metadata = { ...request.metadata, recordedAt: recordedAt.toISOString() };
    const base = {
      eventId: newId(),
      streamId: request.streamId,
      version: request.expectedVersion + i + 1,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data,
      metadata,
    };
    const hash = hashEvent(prev, base);
    const record: EventRecord = { ...base, prevHash: prev, hash };
    prev = hash;
    return record;
  });
};

/** Walks one stream's events in version order and returns the first event whose chain is broken. */
export const findChainBreak = (events: readonly RecordedEvent[]): HashBreak | null => {
  let prev = GENESIS_HASH;
  let expectedVersion = 1;
  for (const e of events) {
    const at = { streamId: e.streamId, version: e.version, eventId: e.eventId };
    if (e.version !== expectedVersion)
      return { ...at, reason: `version ${e.version} where ${expectedVersion} was expected` };
    if (e.prevHash !== prev) return { ...at, reason: 'prevHash does not match the previous event' };
    if (hashEvent(prev, e) !== e.hash) return { ...at, reason: 'content does not match its hash' };
    prev = e.hash;
    expectedVersion += 1;
  }
  return null;
};
