import { MongoClient } from 'mongodb';
import { ConcurrencyError, type AppendRequest } from '@tracker/event-store';
import { testNamespace } from '@tracker/testing';
import { AppendSignal, SignallingMongoEventStore } from './append-signal';

const ns = testNamespace();
let client: MongoClient;

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGO_URL!);
});
afterAll(async () => {
  await client.db(ns.db('signal')).dropDatabase();
  await client.close();
});

const request = (streamId: string, expectedVersion: number, events = 1): AppendRequest => ({
  streamId,
  expectedVersion,
  events: Array.from({ length: events }, (_, n) => ({
    type: 'thing.counted',
    schemaVersion: 1,
    data: { n },
  })),
  metadata: {
    actor: 'a',
    role: 'secretariat',
    correlationId: 'c',
    causationId: null,
    occurredAt: '2026-01-01',
  },
});

describe(SignallingMongoEventStore.name, () => {
  it('raises the signal once per append or appendMany that committed events, never for a refused one', async () => {
    const signal = new AppendSignal();
    const store = new SignallingMongoEventStore(client.db(ns.db('signal')), signal);
    await store.init();
    let raised = 0;
    const stop = signal.listen(() => (raised += 1));

    await store.append(request('s-1', 0));
    expect(raised).toBe(1);
    await expect(store.append(request('s-1', 0))).rejects.toBeInstanceOf(ConcurrencyError);
    await store.append(request('s-2', 0, 0)); // nothing to commit
    expect(raised).toBe(1);

    const outcomes = await store.appendMany([request('s-1', 0), request('s-3', 0), request('s-4', 0)]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, true, true]);
    expect(raised).toBe(2);
    await store.appendMany([request('s-1', 0)]);
    expect(raised).toBe(2);

    stop();
    await store.append(request('s-5', 0));
    expect(raised).toBe(2);
  });
});
