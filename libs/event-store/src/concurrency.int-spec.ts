import { MongoClient } from 'mongodb';
import { runWorker, testNamespace } from '@tracker/testing';
import { MongoEventStore } from './mongo-event-store';

const WORKER = 'libs/event-store/src/testing/concurrent-writer.worker.ts';
type Acked = [string, number, string];
interface WorkerResult {
  done: true;
  acked: Acked[];
  conflicts: number;
}

describe('MongoEventStore under concurrent processes', () => {
  const ns = testNamespace();
  let client: MongoClient;

  beforeAll(async () => {
    client = await MongoClient.connect(process.env.MONGO_URL!);
  });
  afterAll(async () => {
    await client.db(ns.db('concurrency')).dropDatabase();
    await client.db(ns.db('catchup')).dropDatabase();
    await client.close();
  });

  it('8 writers in 2 processes × 1,000 updates on 10 streams: each succeeds or conflicts, none is lost', async () => {
    const db = ns.db('concurrency');
    const store = new MongoEventStore(client.db(db));
    await store.init();
    const streams = Array.from({ length: 10 }, (_, i) => `counter-${ns.id}-${i}`);
    const workers = ['p1', 'p2'].map((name) =>
      runWorker(WORKER, {
        mongoUrl: process.env.MONGO_URL,
        db,
        streams,
        writers: 4,
        updatesPerWriter: 1_000 / 4,
        name,
        assignPositions: false,
      }),
    );
    const results = await Promise.all(
      workers.map(async (w) => (await w.done).lines.find((l) => (l as WorkerResult).done) as WorkerResult),
    );

    const acked = results.flatMap((r) => r.acked);
    const conflicts = results.reduce((n, r) => n + r.conflicts, 0);
    // Every request was answered one way or the other.
    expect(acked.length + conflicts).toBe(2 * 4 * 250);
    expect(acked.length).toBeGreaterThan(0);

    let stored = 0;
    for (const streamId of streams) {
      const events = await store.readStream(streamId);
      stored += events.length;
      // The fold: each stored update computed its value from exactly the state before it,
      // so value n sits at version n. A lost update would show as a repeated value.
      expect(events.map((e) => (e.data as { value: number }).value)).toEqual(events.map((e) => e.version));
      const ackedHere = acked.filter(([s]) => s === streamId);
      const byVersion = new Map(events.map((e) => [e.version, e.eventId]));
      for (const [, version, eventId] of ackedHere) expect(byVersion.get(version)).toBe(eventId);
    }
    // Zero acknowledged updates lost, and nothing stored that was not acknowledged.
    expect(stored).toBe(acked.length);
    expect((await store.verify()).breaks).toEqual([]);
  });

  it('a reader catching up while 2 processes append gets every event once, in order', async () => {
    const db = ns.db('catchup');
    const store = new MongoEventStore(client.db(db));
    await store.init();
    const streams = Array.from({ length: 20 }, (_, i) => `item-${ns.id}-${i}`);
    const workers = ['a', 'b'].map((name) =>
      runWorker(WORKER, {
        mongoUrl: process.env.MONGO_URL,
        db,
        streams,
        writers: 3,
        updatesPerWriter: 150,
        name,
        assignPositions: false,
      }),
    );
    const seen: { position: number; eventId: string; streamId: string; version: number }[] = [];
    let checkpoint = 0;
    let finished = false;
    const all = Promise.all(workers.map((w) => w.done)).then((r) => {
      finished = true;
      return r;
    });
    // One positioner, as the relay's lease guarantees in production, runs while the writers append;
    // the reader follows positions only, exactly like a projection catching up.
    // Batches large enough to be applied as parallel bulk writes (applyClaims); the reader is another
    // instance, so it reads what is stored, never what the positioner holds in hand.
    const reader = new MongoEventStore(client.db(db));
    const positioner = (async () => {
      while (!finished)
        if ((await store.assignPositions(300)) === 0) await new Promise((r) => setTimeout(r, 25));
    })();
    while (!finished) {
      const batch = await reader.readAll(checkpoint, 37);
      for (const e of batch)
        seen.push({ position: e.position, eventId: e.eventId, streamId: e.streamId, version: e.version });
      if (batch.length > 0) checkpoint = batch[batch.length - 1]!.position;
      else await new Promise((r) => setTimeout(r, 25));
    }
    const results = await all;
    await positioner;
    while ((await store.assignPositions(500)) > 0);
    for (
      let batch = await store.readAll(checkpoint, 500);
      batch.length > 0;
      batch = await store.readAll(checkpoint, 500)
    ) {
      for (const e of batch)
        seen.push({ position: e.position, eventId: e.eventId, streamId: e.streamId, version: e.version });
      checkpoint = batch[batch.length - 1]!.position;
    }

    const acked = results.flatMap(
      (r) => (r.lines.find((l) => (l as WorkerResult).done) as WorkerResult).acked,
    );
    expect(seen.map((e) => e.position)).toEqual(seen.map((_, i) => i + 1)); // contiguous, no gap, no repeat
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(seen.length);
    expect(new Set(seen.map((e) => e.eventId))).toEqual(new Set(acked.map(([, , id]) => id)));
    for (const s of streams) {
      const versions = seen.filter((e) => e.streamId === s).map((e) => e.version);
      expect(versions).toEqual(versions.map((_, i) => i + 1)); // per-stream order kept
    }
  });
});
