import { MongoClient } from 'mongodb';
import { appendMetadata, testNamespace } from '@tracker/testing';
import { eventStoreConformance } from './event-store.conformance';
import { MongoEventStore } from './mongo-event-store';

const ns = testNamespace();
let client: MongoClient;

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGO_URL!);
});
afterAll(async () => {
  await client.db(ns.db('store')).dropDatabase();
  await client.close();
});

eventStoreConformance(MongoEventStore.name, async () => {
  const store = new MongoEventStore(client.db(ns.db('store')));
  await store.init();
  return {
    store: () => store,
    // One changed value inside one stored event, written straight to the database.
    tamper: async (streamId, version) => {
      const commit = await store.commits.findOne({
        streamId,
        version: { $lte: version },
        lastVersion: { $gte: version },
      });
      const index = version - commit!.version;
      await store.commits.updateOne({ _id: commit!._id }, { $set: { [`events.${index}.data.n`]: 1000 } });
    },
  };
});

it('instances starting together on an empty store all initialise it', async () => {
  const db = client.db(ns.db('store_race'));
  const stores = Array.from({ length: 6 }, () => new MongoEventStore(db));
  await expect(Promise.all(stores.map((s) => s.init()))).resolves.toHaveLength(6);
  expect(await stores[0]!.headPosition()).toBe(0);
  await db.dropDatabase();
});

it('an append whose insert failed as a whole (the server went away) is refused, never acknowledged', async () => {
  const own = await MongoClient.connect(process.env.MONGO_URL!);
  const store = new MongoEventStore(own.db(ns.db('store_interrupted')));
  await store.init();
  const requests = Array.from({ length: 300 }, (_, i) => ({
    streamId: `thing-${i}`,
    expectedVersion: 0,
    events: [{ type: 'thing.counted', schemaVersion: 1, data: { pad: 'x'.repeat(4_000) } }],
    metadata: appendMetadata(),
  }));
  const appended = store.appendMany(requests);
  // The connection goes away while the commits are inserted, as when the server restarts.
  setTimeout(() => void own.close(true), 30);
  await expect(appended).rejects.toThrow();
  await client.db(ns.db('store_interrupted')).dropDatabase();
});
