import { MongoClient } from 'mongodb';
import { testNamespace } from '@tracker/testing';
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
