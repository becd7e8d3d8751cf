import { type CommandStartedEvent, MongoClient } from 'mongodb';
import { appendMetadata, testNamespace } from '@tracker/testing';
import type { CommitDocument } from './commit-document';
import { ConcurrencyError } from './errors';
import type { AppendRequest } from './event-store.port';
import {
  LOOK_INTERVAL_MS,
  MongoEventStore,
  VOID_UNFILLED_CLAIMS_AFTER_MS,
  VOID_UNFILLED_SMALL_CLAIMS_AFTER_MS,
} from './mongo-event-store';
import { positionedCommitId, VOID_STREAM } from './reserved-positions';

const ns = testNamespace();
let client: MongoClient;
/** Commands on each database's commits collection, by name. */
const commands: { db: string; name: string }[] = [];
/** Every command on a claims collection (`<store>.positions`), by name. */
const claimCommands: string[] = [];
const meta = appendMetadata();

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGO_URL!, { monitorCommands: true });
  client.on('commandStarted', (e: CommandStartedEvent) => {
    const collection = (e.command as Record<string, unknown>)[e.commandName];
    if (collection === 'events') commands.push({ db: e.databaseName, name: e.commandName });
    if (typeof collection === 'string' && collection.endsWith('.positions'))
      claimCommands.push(e.commandName);
  });
});
afterAll(async () => {
  for (const name of ['batch', 'mixed', 'exclusive', 'conflict', 'orphan'])
    await client
      .db(ns.db(name))
      .dropDatabase()
      .catch(() => undefined);
  await client.close();
});

const counted = (streamId: string, expectedVersion: number, events = 1): AppendRequest => ({
  streamId,
  expectedVersion,
  events: Array.from({ length: events }, (_, i) => ({
    type: 'thing.counted',
    schemaVersion: 1,
    data: { n: expectedVersion + i + 1 },
  })),
  metadata: meta,
});

const positionAll = async (store: MongoEventStore): Promise<void> => {
  while ((await store.assignPositions(100)) > 0);
};

/** Every stream's events in version order, and positions increasing through the store. */
const expectOrdered = (all: readonly { streamId: string; version: number; position: number }[]): void => {
  const positions = all.map((e) => e.position);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(new Set(positions).size).toBe(positions.length);
  for (const s of new Set(all.map((e) => e.streamId))) {
    const versions = all.filter((e) => e.streamId === s).map((e) => e.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  }
};

describe('positions given at append to new streams (reserved-positions.ts)', () => {
  it('a batch of new streams is stored positioned: the relay moves the head over it without an update', async () => {
    const db = ns.db('batch');
    const store = new MongoEventStore(client.db(db));
    await store.init();
    const outcomes = await store.appendMany(
      Array.from({ length: 300 }, (_, i) => counted(`thing-${i}`, 0, 1 + (i % 3))),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(await store.commits.countDocuments({ pending: true })).toBe(0);
    // Not visible before the relay has looked: the head is where it was.
    expect(await store.readAll(0, 10)).toEqual([]);

    commands.length = 0;
    await positionAll(store);
    expect(commands.filter((c) => c.db === db && c.name === 'update')).toEqual([]);
    // The appender's own events are published from memory (appended-events.ts), byte for byte what
    // another instance reads from the server.
    commands.length = 0;
    const all = await store.readAll(0, 5_000);
    expect(commands.filter((c) => c.db === db && c.name === 'find')).toEqual([]);
    const read = await new MongoEventStore(client.db(db)).readAll(0, 5_000);
    expect(JSON.stringify(all)).toBe(JSON.stringify(read));
    expect(all).toHaveLength(600);
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
    expectOrdered(all);
    expect(await store.headPosition()).toBe(600);
  });

  it('later commits of a stream stay pending and follow their stream; relay claims and batch claims interleave', async () => {
    const store = new MongoEventStore(client.db(ns.db('mixed')));
    await store.init();
    await store.appendMany(Array.from({ length: 40 }, (_, i) => counted(`s-${i}`, 0)));
    // Second versions (pending) of the first 20, with 20 new streams, in one call; then single appends.
    await store.appendMany([
      ...Array.from({ length: 20 }, (_, i) => counted(`s-${i}`, 1)),
      ...Array.from({ length: 20 }, (_, i) => counted(`s-${40 + i}`, 0, 2)),
    ]);
    await store.assignPositions(7);
    for (let i = 0; i < 10; i += 1) await store.append(counted(`s-${i}`, 2));
    await store.appendMany(Array.from({ length: 10 }, (_, i) => counted(`t-${i}`, 0)));
    await positionAll(store);

    const all = await store.readAll(0, 5_000);
    expect(all).toHaveLength(40 + 20 + 40 + 10 + 10);
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
    expectOrdered(all);
    expect(await store.commits.countDocuments({ pending: true })).toBe(0);
  });

  it("a relay that kept its lease (exclusive rounds) applies another instance's batch claim", async () => {
    const db = client.db(ns.db('exclusive'));
    let now = Date.now();
    const relay = new MongoEventStore(db, () => new Date(now));
    const importer = new MongoEventStore(db);
    await relay.init();
    await importer.init();
    await relay.append(counted('first', 0));
    expect(await relay.assignPositions(100)).toBe(1);
    // A settled exclusive round: nothing pending, the head known to this instance.
    expect(await relay.assignPositions(100, { exclusive: true })).toBe(0);
    await importer.appendMany(Array.from({ length: 5 }, (_, i) => counted(`imported-${i}`, 0)));
    // Found by its next look, at most a second on (LOOK_INTERVAL_MS), not the round right after.
    expect(await relay.assignPositions(100, { exclusive: true })).toBe(0);
    now += LOOK_INTERVAL_MS;
    expect(await relay.assignPositions(100, { exclusive: true })).toBe(5);
    expect((await relay.readAll(0, 100)).map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6]);

    // A batch claim and a commit of the relay's own pending at once: its claim collides with the batch's,
    // and the same call looks again and applies the batch; the next one positions its own commit.
    await relay.append(counted('first', 1));
    await importer.appendMany(Array.from({ length: 3 }, (_, i) => counted(`later-${i}`, 0)));
    expect(await relay.assignPositions(100, { exclusive: true })).toBe(3);
    expect(await relay.assignPositions(100, { exclusive: true })).toBe(1);
    const all = await relay.readAll(0, 100);
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
    expect(all.at(-1)).toMatchObject({ streamId: 'first', version: 2, position: 10 });
  });

  it('concurrent appends of one instance never collide: claims are made in turn, and while one is under way the others wait pending for the relay', async () => {
    const db = client.db(ns.db('mixed'));
    const store = new MongoEventStore(db, undefined, 'concurrent');
    await store.init();
    await store.append({ ...counted('first', 0), predecessorPositioned: true });
    claimCommands.length = 0;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.append({ ...counted(`s-${i}`, 0), predecessorPositioned: true }),
      ),
    );
    // Claims only inserted, each where the last one ended: no lookup of the chain, no refused insert.
    expect(claimCommands.length).toBeGreaterThanOrEqual(1);
    expect(new Set(claimCommands)).toEqual(new Set(['insert']));
    const claims = await store.positions.find({}).sort({ _id: 1 }).toArray();
    expect(claims.map((c) => c._id)).toEqual(claims.map((_, i) => i + 1));
    const pending = await store.commits.countDocuments({ pending: true });
    expect(pending + claims.length).toBe(31);
    await positionAll(store);
    const all = await store.readAll(0, 100);
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
    expect(all).toHaveLength(31);
  });

  it('a new stream that already exists is refused; its positions stay empty, readers pass them, no document is left', async () => {
    const store = new MongoEventStore(client.db(ns.db('conflict')));
    await store.init();
    await store.appendMany([counted('taken', 0)]);
    const outcomes = await store.appendMany([counted('a', 0), counted('taken', 0, 2), counted('b', 0)]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]!.ok ? null : outcomes[1]!.error).toBeInstanceOf(ConcurrencyError);
    // A batch of nothing but a refused request: a run of void positions before the next events.
    expect((await store.appendMany([counted('taken', 0, 3)]))[0]!.ok).toBe(false);
    await store.appendMany([counted('c', 0)]);
    await positionAll(store);

    const all = await store.readAll(0, 100);
    expect(all.map((e) => e.streamId)).toEqual(['taken', 'a', 'b', 'c']);
    expect(all.map((e) => e.position)).toEqual([1, 2, 5, 9]);
    // A reader that starts inside the void run still gets what follows it.
    expect((await store.readAll(5, 1)).map((e) => e.position)).toEqual([9]);
    const verified = await store.verify();
    expect(verified).toEqual({ streams: 4, events: 4, breaks: [] });
    // A re-import finds its existing rows by trying to create them: that must not grow the store.
    expect(await store.commits.countDocuments({})).toBe(4);
  });

  it('a batch claim (an import) gets the long grace before it is voided', async () => {
    let now = new Date('2026-12-07T10:00:00Z');
    const db = client.db(ns.db('orphan'));
    const store = new MongoEventStore(db, () => now, 'long_grace');
    await store.init();
    await store.positions.insertOne({
      _id: 1,
      commitId: 'batch:dead-import',
      count: 500,
      batch: true,
      claimedAt: now,
    } as never);
    now = new Date(now.getTime() + VOID_UNFILLED_SMALL_CLAIMS_AFTER_MS + 1);
    expect(await store.assignPositions(100)).toBe(0);
    now = new Date(now.getTime() + VOID_UNFILLED_CLAIMS_AFTER_MS);
    expect(await store.assignPositions(100)).toBe(500);
    expect(await store.headPosition()).toBe(500);
  });

  it('a claim its appender never filled holds the head until voided; a commit arriving after fails', async () => {
    let now = new Date('2026-12-07T10:00:00Z');
    const db = client.db(ns.db('orphan'));
    const store = new MongoEventStore(db, () => now);
    await store.init();
    await store.appendMany([counted('before', 0)]);
    await positionAll(store);
    // An appender that claimed three positions and died before inserting its commits.
    await store.positions.insertOne({
      _id: 2,
      commitId: 'batch:dead',
      count: 3,
      batch: true,
      claimedAt: now,
    } as never);
    await store.append(counted('later', 0));
    await store.append(counted('before', 1));
    expect(await store.assignPositions(100)).toBe(0);
    expect(await store.headPosition()).toBe(1);
    // A claim of a few positions (a staff command's) is voided after the short grace.
    const claimedAt = now.getTime();
    now = new Date(claimedAt + VOID_UNFILLED_SMALL_CLAIMS_AFTER_MS - 1);
    expect(await store.assignPositions(100)).toBe(0);

    now = new Date(claimedAt + VOID_UNFILLED_SMALL_CLAIMS_AFTER_MS + 1);
    await positionAll(store);
    const all = await store.readAll(0, 100);
    expect(all.map((e) => [e.streamId, e.version, e.position])).toEqual([
      ['before', 1, 1],
      ['later', 1, 5],
      ['before', 2, 6],
    ]);
    expect(await store.commits.countDocuments({ streamId: VOID_STREAM })).toBe(3);
    // The dead appender's commit, had it come now, cannot take a voided position.
    const late: CommitDocument = {
      _id: positionedCommitId(2),
      streamId: 'late',
      version: 1,
      lastVersion: 1,
      recordedAt: now,
      position: 2,
      lastPosition: 2,
      pages: [0],
      firstPage: 0,
      events: [],
    };
    await expect(store.commits.insertOne(late)).rejects.toMatchObject({ code: 11000 });
  });
});
