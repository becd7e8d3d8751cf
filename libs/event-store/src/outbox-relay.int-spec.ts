import { type CommandStartedEvent, MongoClient } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import { isFerretDb } from '@tracker/ferretdb';
import { appendMetadata, testNamespace, waitFor } from '@tracker/testing';
import { LOOK_INTERVAL_MS, MongoEventStore } from './mongo-event-store';
import { CHECKPOINT_INTERVAL_MS, MongoLease, OutboxRelay, type EventPublisher } from './outbox-relay';

const ns = testNamespace();
let client: MongoClient;
/** Every command the client sent, by name, in order (driver command monitoring). */
let commands: string[] = [];

const meta = appendMetadata();

/** A publisher that keeps what it was given (in order) and resolves at once, like an acked send. */
const recording = (): EventPublisher & { events: StoredEvent[] } => {
  const events: StoredEvent[] = [];
  return { events, publish: async (batch) => void events.push(...batch) };
};

/** The first commit of stream `s-<n>`. */
const appendFirst = (store: MongoEventStore, n: number) =>
  store.append({
    streamId: `s-${n}`,
    expectedVersion: 0,
    events: [{ type: 'thing.counted', schemaVersion: 1, data: { n } }],
    metadata: meta,
  });

const commandsDuring = async (work: () => Promise<unknown>): Promise<string[]> => {
  const before = commands.length;
  await work();
  return commands.slice(before);
};

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGO_URL!, { monitorCommands: true });
  client.on('commandStarted', (e: CommandStartedEvent) => void commands.push(e.commandName));
});
afterEach(() => {
  commands = [];
});
afterAll(async () => {
  await client.db(ns.db('relay')).dropDatabase();
  await client.close();
});

describe('outbox relay at rest', () => {
  it('an idle round costs nothing, or the store’s two looks (a batch claim, new commits) once a second; the lease is renewed by _id at half its time', async () => {
    const db = client.db(ns.db('relay'));
    let now = Date.now();
    const store = new MongoEventStore(db, () => new Date(now), 'idle_events');
    await store.init();
    const publisher = recording();
    const relay = new OutboxRelay(db, store, publisher, {
      name: 'idle',
      owner: 'one',
      leaseTtlMs: 10_000,
      clock: () => now,
    });
    await store.append({
      streamId: 's-1',
      expectedVersion: 0,
      events: [{ type: 'thing.counted', schemaVersion: 1, data: { n: 1 } }],
      metadata: meta,
    });
    expect(await relay.tick()).toBe(2); // positioned, then published
    expect(publisher.events.map((e) => e.position)).toEqual([1]);

    // A caller that cannot vouch that nobody else positioned reads the head and looks for dangling
    // claims before it looks for new commits: reads only.
    const look = await commandsDuring(() => store.assignPositions(500));
    expect(look).toEqual(['find', 'find', 'find']);
    // Caught up, lease kept since its last round: the relay trusts the head that round left; nothing of
    // this instance's waits and it looked a moment ago: no command at all.
    expect(await commandsDuring(() => relay.tick())).toEqual([]);
    // A second on, it looks for new commits (others may have appended) and, finding none, for an
    // appender's claim right after the head (one find by _id: appends position their own commits,
    // reserved-positions.ts).
    now += LOOK_INTERVAL_MS;
    expect(await commandsDuring(() => relay.tick())).toEqual(['find', 'find']);

    // Past half the lease: one update by _id and owner renews it, and the checkpoint stays in memory.
    now += 5_001;
    expect(await commandsDuring(() => relay.tick())).toEqual(['update', 'find', 'find']);
    expect(await commandsDuring(() => relay.tick())).toEqual([]);

    // The stream's next commit: the pending commits in hand are all there are, so on FerretDB (one
    // snapshot per find) its positioned predecessor needs no lookup; a MongoDB cursor may yield, so
    // there it is looked up. Then: claim, position, head, checkpoint.
    await store.append({
      streamId: 's-1',
      expectedVersion: 1,
      events: [{ type: 'thing.counted', schemaVersion: 1, data: { n: 2 } }],
      metadata: meta,
    });
    const lookup = (await isFerretDb(db)) ? [] : ['find'];
    expect(await commandsDuring(() => relay.tick())).toEqual([
      'find',
      ...lookup,
      'insert',
      'update',
      'update',
      'update',
    ]);
    expect(publisher.events.map((e) => e.position)).toEqual([1, 2]);
    expect(await db.collection('leases').findOne({ _id: 'relay:idle' } as never)).toMatchObject({
      owner: 'one',
    });
    await relay.stop();
  });

  it('a commit whose predecessor its writer saw positioned comes positioned: the relay round moves the head, nothing else; the checkpoint is stored once a second', async () => {
    const db = client.db(ns.db('relay'));
    let now = Date.now();
    const store = new MongoEventStore(db, () => new Date(now), 'staff_events');
    await store.init();
    const publisher = recording();
    const relay = new OutboxRelay(db, store, publisher, { name: 'staff', owner: 'one', clock: () => now });
    const append = (streamId: string, expectedVersion: number, predecessorPositioned: boolean) =>
      store.append({
        streamId,
        expectedVersion,
        events: [{ type: 'thing.counted', schemaVersion: 1, data: { n: expectedVersion + 1 } }],
        metadata: meta,
        predecessorPositioned,
      });
    await append('s-1', 0, true);
    await relay.tick();
    expect(await relay.checkpoint()).toBe(1);
    for (const version of [2, 3]) {
      // The stream's head (for its hash), the claim right after this instance's last, the commit.
      expect(await commandsDuring(() => append('s-1', version - 1, true))).toEqual([
        'find',
        'insert',
        'insert',
      ]);
      expect(await store.commits.countDocuments({ pending: true })).toBe(0);
      // The head; the checkpoint waits in memory (the last was stored less than a second ago).
      expect(await commandsDuring(() => relay.tick())).toEqual(['update']);
    }
    expect(await relay.checkpoint()).toBe(1);
    // Idle a second later: the checkpoint is stored (and the store looks for others' commits).
    now += CHECKPOINT_INTERVAL_MS;
    expect(await commandsDuring(() => relay.tick())).toEqual(['find', 'find', 'update']);
    expect(await relay.checkpoint()).toBe(3);
    expect(publisher.events.map((e) => [e.version, e.position])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);

    // A predecessor still pending: the commit after it waits, pending too, and the relay positions both
    // in version order.
    await append('s-2', 0, false);
    await append('s-2', 1, false);
    expect(await store.commits.countDocuments({ pending: true })).toBe(2);
    now += LOOK_INTERVAL_MS;
    while ((await relay.tick()) > 0);
    expect(publisher.events.map((e) => [e.streamId, e.version, e.position])).toEqual([
      ['s-1', 1, 1],
      ['s-1', 2, 2],
      ['s-1', 3, 3],
      ['s-2', 1, 4],
      ['s-2', 2, 5],
    ]);
  });

  it('an append wakes the loop at once; the slow poll finds commits appended elsewhere', async () => {
    const db = client.db(ns.db('relay'));
    const store = new MongoEventStore(db, undefined, 'woken_events');
    await store.init();
    const publisher = recording();
    const relay = new OutboxRelay(db, store, publisher, {
      name: 'woken',
      owner: 'one',
      pollIntervalMs: 60_000,
    });
    relay.start();
    // Let the first round (at start) finish and the loop go to sleep for a minute.
    await new Promise((r) => setTimeout(r, 500));
    const append = (n: number) => appendFirst(store, n);

    await append(1);
    relay.notify();
    // The next poll is a minute away: done within the wait below means the notify woke the loop.
    await waitFor(async () => (publisher.events.length === 1 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'the notified relay to publish the append',
    });

    // A notify during a round is not lost: the loop goes round again instead of sleeping.
    await append(2);
    relay.notify();
    relay.notify();
    await append(3);
    relay.notify();
    await waitFor(async () => (publisher.events.length === 3 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'every notified append published',
    });
    await relay.stop();
    expect(publisher.events.map((e) => e.position)).toEqual([1, 2, 3]);

    // Appended by another process (no notify here): the safety-net poll relays it.
    const polling = new OutboxRelay(db, store, publisher, {
      name: 'woken',
      owner: 'two',
      pollIntervalMs: 300,
    });
    polling.start();
    await new Promise((r) => setTimeout(r, 500)); // past its first round, between polls
    await append(4);
    await waitFor(async () => (publisher.events.length === 4 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'the poll to find the append',
    });
    await polling.stop();
    expect(publisher.events.map((e) => e.position)).toEqual([1, 2, 3, 4]);
  });

  it('another relay cannot take a held lease; it takes over once the holder stopped, from the stored checkpoint', async () => {
    const db = client.db(ns.db('relay'));
    const store = new MongoEventStore(db, undefined, 'handover_events');
    await store.init();
    const first = recording();
    const second = recording();
    const a = new OutboxRelay(db, store, first, { name: 'handover', owner: 'a', leaseTtlMs: 10_000 });
    const b = new OutboxRelay(db, store, second, { name: 'handover', owner: 'b', leaseTtlMs: 10_000 });
    const append = (n: number) => appendFirst(store, n);
    await append(1);
    expect(await a.tick()).toBe(2);
    await append(2);
    expect(await b.tick()).toBe(0);
    expect(second.events).toEqual([]);
    await a.stop(); // releases the lease
    expect(await b.tick()).toBe(2);
    expect(second.events.map((e) => e.position)).toEqual([2]);
    expect(await b.checkpoint()).toBe(2);
  });

  it('a relay that stops stores the checkpoint it kept in memory: the next holder does not publish it again', async () => {
    const db = client.db(ns.db('relay'));
    const now = Date.now();
    const store = new MongoEventStore(db, () => new Date(now), 'stop_events');
    await store.init();
    const first = recording();
    const second = recording();
    const a = new OutboxRelay(db, store, first, { name: 'stop', owner: 'a', clock: () => now });
    const b = new OutboxRelay(db, store, second, { name: 'stop', owner: 'b', clock: () => now });
    const append = (n: number) => appendFirst(store, n);
    await append(1);
    await a.tick();
    await append(2);
    await a.tick();
    expect(first.events.map((e) => e.position)).toEqual([1, 2]);
    expect(await a.checkpoint()).toBe(1);
    await a.stop();
    expect(await b.checkpoint()).toBe(2);
    expect(await b.tick()).toBe(0);
    expect(second.events).toEqual([]);
  });

  it('a lease that lapsed and was taken over is reported lost to its old holder, never kept', async () => {
    const db = client.db(ns.db('relay'));
    const lease = new MongoLease(db, 'lease:test', 'one', 1_000);
    const other = new MongoLease(db, 'lease:test', 'two', 1_000);
    const t0 = Date.now();
    expect(await lease.hold(t0)).toBe('acquired');
    expect(await lease.hold(t0 + 100)).toBe('kept');
    expect(await other.hold(t0 + 100)).toBe('lost');
    // `one` lets it lapse; `two` takes it; `one` finds it gone.
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await other.hold()).toBe('acquired');
    expect(await lease.hold()).toBe('lost');
  });
});
