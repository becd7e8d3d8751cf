import { MongoClient } from 'mongodb';
import { testNamespace } from '@tracker/testing';
import { DUPLICATE_KEY, writeErrorsOf } from './write-errors';

const ns = testNamespace();

afterAll(async () => {
  const client = await MongoClient.connect(process.env.MONGO_URL!);
  await client.db(ns.db('write_errors')).dropDatabase();
  await client.close();
});

describe(writeErrorsOf.name, () => {
  it('lists the documents a unique index refused', async () => {
    const client = await MongoClient.connect(process.env.MONGO_URL!);
    const coll = client.db(ns.db('write_errors')).collection<{ _id: string }>('docs');
    await coll.insertOne({ _id: 'a' });
    const err = await coll
      .insertMany([{ _id: 'b' }, { _id: 'a' }, { _id: 'c' }], { ordered: false })
      .catch((e: unknown) => e);
    expect(writeErrorsOf(err)).toEqual([{ index: 1, code: DUPLICATE_KEY }]);
    await client.close();
  });

  it('is null when the whole command failed: the driver then throws a bulk write error listing no document', async () => {
    const client = await MongoClient.connect(process.env.MONGO_URL!);
    const coll = client.db(ns.db('write_errors')).collection('interrupted');
    const docs = Array.from({ length: 2_000 }, (_, i) => ({ i, pad: 'x'.repeat(1_000) }));
    const insert = coll.insertMany(docs, { ordered: false }).catch((e: unknown) => e);
    // The connection goes away mid-command, as when the server restarts.
    setTimeout(() => void client.close(true), 5);
    const err = await insert;
    expect(err).toMatchObject({ name: 'MongoBulkWriteError', writeErrors: [] });
    expect(writeErrorsOf(err)).toBeNull();
  });
});
