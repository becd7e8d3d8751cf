import type { Collection } from 'mongodb';
import { ensureIndexes } from '@tracker/ferretdb';
import { auditIndexFields, positionFields, type CommitDocument, type PositionClaim } from './commit-document';
import { keepingRequestKey } from './idempotent-request';

/** Commits per round trip when init() brings an older store to the current layout. */
const MIGRATION_BATCH = 500;

/** The indexes of the commits and of the position claims (MongoEventStore.init). */
export const ensureStoreIndexes = async (
  commits: Collection<CommitDocument>,
  positions: Collection<PositionClaim>,
): Promise<void> => {
  const db = commits.db;
  await ensureIndexes(db, commits, [
    { key: { streamId: 1, version: 1 }, options: { unique: true, name: 'stream_version_unique' } },
    // MongoDB only (ensureIndexes): FerretDB finds these by the GIN indexes of EQUALITY_FIELDS.
    { key: { lastPosition: 1 }, options: { name: 'last_position' } },
    { key: { position: 1 }, options: { name: 'position' } },
    { key: { recordedAt: 1 }, options: { name: 'recorded_at' } },
    { key: { pending: 1 }, options: { name: 'pending' } },
    { key: { pages: 1 }, options: { name: 'pages' } },
    { key: { firstPage: 1 }, options: { name: 'first_page' } },
    // The audit reads (audit/event-history.ts).
    { key: { mentions: 1 }, options: { name: 'mentions' } },
    { key: { keys: 1 }, options: { name: 'keys' } },
  ]);
  await ensureIndexes(db, positions, [
    { key: { commitId: 1 }, options: { unique: true, name: 'commit_unique' } },
  ]);
};

/**
 * A store written before `pending`, `pages`, `firstPage` and the head document existed (or an empty
 * one): one scan, once, brings it to the current layout (STORE_LAYOUT). Racing instances do the same
 * idempotent updates. `hadHead`: the store already has its head document (else `settleHead` writes it).
 */
export const bringToCurrentLayout = async (
  commits: Collection<CommitDocument>,
  hadHead: boolean,
  store: {
    readonly noteFirstDay: (recordedAt: readonly Date[]) => Promise<void>;
    readonly settleHead: () => Promise<void>;
  },
): Promise<void> => {
  if (!hadHead) await commits.updateMany({ position: { $exists: false } }, { $set: { pending: true } });
  const positioned = await commits
    .find(
      { position: { $exists: true }, firstPage: { $exists: false } },
      { projection: { position: 1, lastPosition: 1 } },
    )
    .toArray();
  for (let i = 0; i < positioned.length; i += 1_000)
    await commits.bulkWrite(
      positioned.slice(i, i + 1_000).map((c) => ({
        updateOne: {
          filter: { _id: c._id },
          update: { $set: positionFields(c.position ?? 0, c.lastPosition ?? 0) },
        },
      })),
      { ordered: false },
    );
  await addAuditIndexFields(commits, store.noteFirstDay);
  if (!hadHead) await store.settleHead();
};

/**
 * Layouts 3 and 4: commits written before get today's `mentions` and `keys`, and the first day is
 * recorded. One pass over every commit, in batches (a cursor read to its end, one bulkWrite per batch).
 */
const addAuditIndexFields = async (
  commits: Collection<CommitDocument>,
  noteFirstDay: (recordedAt: readonly Date[]) => Promise<void>,
): Promise<void> => {
  const cursor = commits
    .find({}, { projection: { recordedAt: 1, events: 1, request: 1 } })
    .batchSize(MIGRATION_BATCH);
  let batch: CommitDocument[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await noteFirstDay(batch.map((c) => c.recordedAt));
    await commits.bulkWrite(
      batch.map((c) => ({
        updateOne: {
          filter: { _id: c._id },
          update: { $set: keepingRequestKey(auditIndexFields(c.events, c.recordedAt), c) },
        },
      })),
      { ordered: false },
    );
    batch = [];
  };
  try {
    for await (const c of cursor) {
      batch.push(c);
      if (batch.length >= MIGRATION_BATCH) await flush();
    }
    await flush();
  } finally {
    await cursor.close();
  }
};
