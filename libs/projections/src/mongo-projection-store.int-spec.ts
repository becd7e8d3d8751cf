import { type Document, MongoClient } from 'mongodb';
import { storedEvent, testNamespace } from '@tracker/testing';
import { MongoProjectionStore } from './mongo-projection-store';
import type { Projection, ReadModelDocument } from './projection';
import { readSummaries, type SummarySpec } from './summaries';

/** A row per thing: created by `thing-<id>`, noted by any stream whose event names it as target. */
interface Thing {
  readonly created: boolean;
  readonly notes: readonly string[];
}

const things: Projection<Thing> = {
  name: 'things',
  route: (e) =>
    e.type === 'thing.created'
      ? [e.streamId.replace(/^thing-/, '')]
      : [(e.data as { target: string }).target],
  apply: (doc, e) =>
    e.type === 'thing.created'
      ? { created: true, notes: doc?.notes ?? [] }
      : { created: doc?.created ?? false, notes: [...(doc?.notes ?? []), e.streamId] },
};

const ns = testNamespace();
let client: MongoClient;
const finds: string[] = [];

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGO_URL!, { monitorCommands: true });
  client.on('commandStarted', (e) => {
    if (e.commandName === 'find') finds.push(String((e.command as { find: string }).find));
  });
});
afterAll(async () => {
  await client.db(ns.db('projection_store')).dropDatabase();
  await client.close();
});

describe(`${MongoProjectionStore.name}: rows a batch creates`, () => {
  const sut = (name: string) => new MongoProjectionStore(things, client.db(ns.db('projection_store')), name);
  const rows = async (name: string) =>
    (
      await client
        .db(ns.db('projection_store'))
        .collection<ReadModelDocument<Thing>>(name)
        .find({})
        .sort({ _id: 1 })
        .toArray()
    ).map(({ _id, created, notes, _applied }) => ({ _id, created, notes, _applied }));

  it('inserts rows created by their own stream without reading them first', async () => {
    const store = sut('fresh');
    const batch = Array.from({ length: 50 }, (_, i) => storedEvent(`thing-t${i}`, 1, 'thing.created', {}));
    finds.length = 0;
    expect(await store.applyBatch(batch)).toMatchObject({ applied: 50, written: 50 });
    expect(finds.filter((c) => c === 'fresh')).toEqual([]);
    expect(await rows('fresh')).toHaveLength(50);
  });

  it('a redelivered batch changes nothing (the assumed-new insert fails, the retry reads)', async () => {
    const store = sut('redelivered');
    const batch = [
      storedEvent('thing-a', 1, 'thing.created', {}),
      storedEvent('note-1', 1, 'thing.noted', { target: 'a' }),
      storedEvent('thing-b', 1, 'thing.created', {}),
    ];
    await store.applyBatch(batch);
    const once = await rows('redelivered');
    expect(await store.applyBatch(batch)).toMatchObject({ applied: 0, written: 0 });
    expect(await rows('redelivered')).toEqual(once);
  });

  it('a row another stream created first is folded from what is stored, not from nothing', async () => {
    const store = sut('existing');
    await store.applyBatch([storedEvent('note-2', 1, 'thing.noted', { target: 'c' })]);
    await store.applyBatch([
      storedEvent('thing-c', 1, 'thing.created', {}),
      storedEvent('thing-d', 1, 'thing.created', {}),
    ]);
    expect(await rows('existing')).toEqual([
      { _id: 'c', created: true, notes: ['note-2'], _applied: { 'note-2': 1, 'thing-c': 1 } },
      { _id: 'd', created: true, notes: [], _applied: { 'thing-d': 1 } },
    ]);
  });
});

describe(`${MongoProjectionStore.name}: documents it wrote last`, () => {
  const db = () => client.db(ns.db('projection_store'));
  const notesOf = async (name: string, id: string) =>
    (await db().collection<ReadModelDocument<Thing>>(name).findOne({ _id: id }))?.notes;

  it('a later batch on a row it wrote reads nothing', async () => {
    const store = new MongoProjectionStore(things, db(), 'remembered');
    await store.applyBatch([storedEvent('note-3', 1, 'thing.noted', { target: 'e' })]);
    finds.length = 0;
    await store.applyBatch([storedEvent('note-4', 1, 'thing.noted', { target: 'e' })]);
    await store.applyBatch([storedEvent('thing-e', 1, 'thing.created', {})]);
    expect(finds.filter((c) => c === 'remembered')).toEqual([]);
    expect(await notesOf('remembered', 'e')).toEqual(['note-3', 'note-4']);
  });

  it('a row another writer changed since is re-read, not overwritten', async () => {
    const first = new MongoProjectionStore(things, db(), 'two-writers');
    const second = new MongoProjectionStore(things, db(), 'two-writers');
    await first.applyBatch([storedEvent('note-5', 1, 'thing.noted', { target: 'f' })]);
    await second.applyBatch([storedEvent('note-6', 1, 'thing.noted', { target: 'f' })]);
    finds.length = 0;
    await first.applyBatch([storedEvent('note-7', 1, 'thing.noted', { target: 'f' })]);
    expect(finds.filter((c) => c === 'two-writers')).toEqual(['two-writers']);
    expect(await notesOf('two-writers', 'f')).toEqual(['note-5', 'note-6', 'note-7']);
  });

  it('a row deleted and created again by another writer is not mistaken for the one remembered', async () => {
    const first = new MongoProjectionStore(things, db(), 'recreated');
    const second = new MongoProjectionStore(things, db(), 'recreated');
    await first.applyBatch([storedEvent('note-8', 1, 'thing.noted', { target: 'g' })]);
    // What a rebuild's swap does to a row its replay did not produce.
    await db()
      .collection('recreated')
      .deleteOne({ _id: 'g' } as Document);
    await second.applyBatch([storedEvent('note-9', 1, 'thing.noted', { target: 'g' })]);
    await first.applyBatch([storedEvent('note-10', 1, 'thing.noted', { target: 'g' })]);
    expect(await notesOf('recreated', 'g')).toEqual(['note-9', 'note-10']);
  });
});

/** A row per `paint-<id>` stream: its colour is the last one painted. Summary: the colours present. */
interface Painted {
  readonly colour: string;
  readonly ordinal: number;
}

const colourSet: SummarySpec<Painted, Record<string, true>> = {
  slotOf: (row) => ({ space: 'p', ordinal: row.ordinal }),
  fanOut: [8, 4],
  summarize: (rows) => Object.fromEntries(rows.map((r) => [r.colour, true] as const)),
  // Not a sum: members that changed can leave the merge as it was (the case the revision rule is for).
  merge: (parts) => Object.assign({}, ...parts) as Record<string, true>,
};

const painted: Projection<Painted> = {
  name: 'painted',
  route: (e) => [e.streamId.replace(/^paint-/, '')],
  apply: (_doc, e) => e.data as Painted,
  summaries: colourSet,
};

describe(`${MongoProjectionStore.name}: summary groups it wrote last`, () => {
  const db = () => client.db(ns.db('projection_store'));
  const paint = (id: string, version: number, colour: string, ordinal: number) =>
    storedEvent(`paint-${id}`, version, 'thing.painted', { colour, ordinal });
  const colours = async (name: string) =>
    Object.keys(await readSummaries(db().collection(name), colourSet)).sort();

  it('a later batch in a group it wrote finds nothing', async () => {
    const store = new MongoProjectionStore(painted, db(), 'painted-remembered');
    await store.applyBatch([paint('a', 1, 'red', 0), paint('b', 1, 'blue', 1)]);
    finds.length = 0;
    await store.applyBatch([paint('a', 2, 'green', 0)]);
    expect(finds.filter((c) => c === 'painted-remembered')).toEqual([]);
    expect(await colours('painted-remembered')).toEqual(['blue', 'green']);
  });

  it('a group another writer changed without changing its summary is found again, not merged from memory', async () => {
    const first = new MongoProjectionStore(painted, db(), 'painted-two-writers');
    const second = new MongoProjectionStore(painted, db(), 'painted-two-writers');
    await first.applyBatch([paint('a', 1, 'red', 0), paint('b', 1, 'blue', 1), paint('c', 1, 'red', 2)]);
    // Still red and blue as a whole: only a's part changed.
    await second.applyBatch([paint('a', 2, 'blue', 0)]);
    expect(await colours('painted-two-writers')).toEqual(['blue', 'red']);
    // From memory, a would still be red.
    await first.applyBatch([paint('c', 2, 'green', 2)]);
    expect(await colours('painted-two-writers')).toEqual(['blue', 'green']);
  });
});
