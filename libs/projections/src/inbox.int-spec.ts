import { MongoClient } from 'mongodb';
import { storedEvent, testNamespace } from '@tracker/testing';
import { MongoInbox } from './inbox';

const ns = testNamespace();
let client: MongoClient;
const inserts: string[] = [];

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGO_URL!, { monitorCommands: true });
  client.on('commandStarted', (e) => {
    if (e.commandName === 'insert') inserts.push(String((e.command as { insert: string }).insert));
  });
});
afterAll(async () => {
  await client.db(ns.db('inbox')).dropDatabase();
  await client.close();
});

describe(MongoInbox.name, () => {
  it('records each event once; what this process recorded is not sent again by the next projection', async () => {
    const db = client.db(ns.db('inbox'));
    const inbox = new MongoInbox(db);
    await inbox.init();
    const a = storedEvent('thing-a', 1, 'thing.created', {});
    const b = storedEvent('thing-b', 1, 'thing.created', {});
    const c = storedEvent('thing-c', 1, 'thing.created', {});

    inserts.length = 0;
    await inbox.recordMany([a, b], 'things'); // one projection's batch
    await inbox.recordMany([a, b], 'things'); // another projection of the same topic: nothing to send
    expect(await inbox.record(a, 'things')).toBe(false);
    await inbox.recordMany([b, c], 'things'); // only c is new
    expect(inserts).toEqual(['inbox', 'inbox']);

    // Two projections recording the same events at the same moment: one insert.
    const d = storedEvent('thing-d', 1, 'thing.created', {});
    const e = storedEvent('thing-e', 1, 'thing.created', {});
    inserts.length = 0;
    await Promise.all([
      inbox.recordMany([d, e], 'things'),
      inbox.recordMany([d, e], 'things'),
      inbox.record(d, 'things'),
    ]);
    expect(inserts).toEqual(['inbox']);

    // Another process (or this one after a restart) has no memory of them: the unique _id answers.
    const other = new MongoInbox(db);
    expect(await other.record(c, 'things')).toBe(false);
    await other.recordMany([a, b, c, d], 'things');
    expect(await inbox.count()).toBe(5);
  });
});
