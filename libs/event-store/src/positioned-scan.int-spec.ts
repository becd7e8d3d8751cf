import { type Collection, MongoClient } from 'mongodb';
import type { DomainEvent } from '@tracker/contracts';
import { testNamespace } from '@tracker/testing';
import type { CommitDocument } from './commit-document';
import { testAppendMetadata } from './event-store.conformance';
import { MongoEventStore } from './mongo-event-store';
import { scanPositioned } from './positioned-reads';

const ns = testNamespace();
let client: MongoClient;

const meta = testAppendMetadata;
const events = (n: number): DomainEvent[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'thing.happened', schemaVersion: 1, data: { i } }));

/** Commits of 1 to 300 events, so that some span several 128-position pages and some pages start none. */
const COMMIT_SIZES = [1, 100, 300, 1, 1, 127, 128, 129, 5, 260, 2, 64];
const TOTAL = COMMIT_SIZES.reduce((a, b) => a + b, 0);

/** The collection, counting the documents every find returns. */
const counting = (
  commits: Collection<CommitDocument>,
): { commits: Collection<CommitDocument>; fetched: () => number } => {
  let fetched = 0;
  const proxy = new Proxy(commits, {
    get(target, prop, receiver) {
      if (prop !== 'find') return Reflect.get(target, prop, receiver) as unknown;
      return (...args: Parameters<Collection<CommitDocument>['find']>) => {
        const cursor = target.find(...args);
        const toArray = cursor.toArray.bind(cursor);
        cursor.toArray = async () => {
          const docs = await toArray();
          fetched += docs.length;
          return docs;
        };
        return cursor;
      };
    },
  });
  return { commits: proxy, fetched: () => fetched };
};

const positionsOf = async (gen: AsyncIterable<{ position: number }[]>): Promise<number[]> => {
  const out: number[] = [];
  for await (const batch of gen) out.push(...batch.map((e) => e.position));
  return out;
};

describe('scanPositioned: the sequential reader of rebuilds and exports', () => {
  let store: MongoEventStore;

  beforeAll(async () => {
    client = await MongoClient.connect(process.env.MONGO_URL!);
    store = new MongoEventStore(client.db(ns.db('scan')));
    await store.init();
    for (const [i, size] of COMMIT_SIZES.entries())
      await store.append({
        streamId: `s-${i % 3}-${i}`,
        expectedVersion: 0,
        events: events(size),
        metadata: meta,
      });
    while ((await store.assignPositions(500)) > 0);
  });
  afterAll(async () => {
    await client.db(ns.db('scan')).dropDatabase();
    await client.close();
  });

  it('yields every position once, in order, fetching every commit exactly once', async () => {
    const { commits, fetched } = counting(store.commits);
    const got = await positionsOf(scanPositioned(commits, 0, TOTAL, 100));
    expect(got).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(fetched()).toBe(COMMIT_SIZES.length);
  });

  it.each([
    [0, 1],
    [1, 7],
    [127, 128],
    [128, 512],
    [250, 64],
    [400, 1000],
    [TOTAL - 1, 10],
  ])(
    'from after=%i in batches of %i: exactly (after, upTo], batches no larger than asked plus a page',
    async (after, batchSize) => {
      const upTo = Math.min(TOTAL, after + 700);
      const batches: number[][] = [];
      for await (const b of scanPositioned(store.commits, after, upTo, batchSize))
        batches.push(b.map((e) => e.position));
      expect(batches.flat()).toEqual(Array.from({ length: upTo - after }, (_, i) => after + i + 1));
      for (const b of batches) expect(b.length).toBeGreaterThan(0);
    },
  );

  it('init() gives commits positioned before firstPage existed their firstPage (older store layout)', async () => {
    const db = client.db(ns.db('scan'));
    await store.commits.updateMany({}, { $unset: { firstPage: '' } });
    await db.collection('events.head').updateOne({ _id: 'applied' as never }, { $unset: { layout: '' } });
    expect(await positionsOf(scanPositioned(store.commits, 0, TOTAL, 100))).not.toHaveLength(TOTAL);

    await new MongoEventStore(db).init();
    expect(await positionsOf(scanPositioned(store.commits, 0, TOTAL, 100))).toEqual(
      Array.from({ length: TOTAL }, (_, i) => i + 1),
    );
  });
});
