import { MongoClient } from 'mongodb';
import { testNamespace } from '@tracker/testing';
import { ensureIndexes, isFerretDb } from './indexes';

const ns = testNamespace();
let client: MongoClient;

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGO_URL!);
});
afterAll(async () => {
  await client.db(ns.db('indexes')).dropDatabase();
  await client.close();
});

const namesOf = async (db: ReturnType<MongoClient['db']>, collection: string): Promise<string[]> =>
  (await db.collection(collection).indexes()).map((i) => String(i.name)).sort();

it('creates every index on MongoDB, only the unique ones on FerretDB, and drops what an earlier version made there', async () => {
  const db = client.db(ns.db('indexes'));
  const rows = db.collection('rows');
  await rows.insertOne({ _id: 'seed' } as never);
  // What the code before ensureIndexes created on every server.
  await rows.createIndex({ position: 1 }, { name: 'position' });

  await ensureIndexes(db, rows, [
    { key: { streamId: 1, version: 1 }, options: { unique: true, name: 'stream_version_unique' } },
    { key: { position: 1 }, options: { name: 'position' } },
    { key: { keys: 1 }, options: { name: 'keys' } },
  ]);
  // Twice: a restart finds them in place (and nothing left to drop).
  await ensureIndexes(db, rows, [
    { key: { streamId: 1, version: 1 }, options: { unique: true, name: 'stream_version_unique' } },
    { key: { position: 1 }, options: { name: 'position' } },
    { key: { keys: 1 }, options: { name: 'keys' } },
  ]);

  const names = await namesOf(db, 'rows');
  if (await isFerretDb(db)) expect(names).toEqual(['_id_', 'stream_version_unique']);
  else expect(names).toEqual(['_id_', 'keys', 'position', 'stream_version_unique']);
  // The unique one is a constraint on both servers.
  await rows.insertOne({ _id: 'a', streamId: 's', version: 1 } as never);
  await expect(rows.insertOne({ _id: 'b', streamId: 's', version: 1 } as never)).rejects.toMatchObject({
    code: 11000,
  });
});
