import { type Document, MongoClient } from 'mongodb';
import { testNamespace } from '@tracker/testing';
import { migrateSummaries, readSummaries, summaryWrites, type SummarySpec } from './summaries';

interface Item {
  readonly ordinal: number;
  readonly colour: string;
}

const spec: SummarySpec<Item, Record<string, number>> = {
  slotOf: (i) => ({ space: 'x', ordinal: i.ordinal }),
  fanOut: [4, 3],
  summarize: (rows) => {
    const out: Record<string, number> = {};
    for (const r of rows) out[r.colour] = (out[r.colour] ?? 0) + 1;
    return out;
  },
  merge: (parts) => {
    const out: Record<string, number> = {};
    for (const p of parts) for (const [k, n] of Object.entries(p)) out[k] = (out[k] ?? 0) + n;
    return out;
  },
};

const ns = testNamespace();
let client: MongoClient;

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGO_URL!);
});
afterAll(async () => {
  await client.db(ns.db('summaries')).dropDatabase();
  await client.close();
});

const rows = Array.from({ length: 30 }, (_, n) => ({
  _id: `i${n}`,
  ordinal: n,
  colour: n % 3 === 0 ? 'red' : 'blue',
  _applied: {},
  _rev: 1,
}));

const summariesOf = async (name: string): Promise<Document[]> =>
  (await client.db(ns.db('summaries')).collection(name).find({}).toArray())
    .filter((d) => String(d._id).startsWith('tally'))
    .map(({ _rev: _r, ...d }) => d)
    .sort((a, b) => String(a._id).localeCompare(String(b._id)));

describe('summaries in the first layout', () => {
  it('are rewritten once from the rows, as a live batch would have written them; old documents go', async () => {
    const db = client.db(ns.db('summaries'));
    const live = db.collection<Document>('live');
    await db.collection<{ _id: string } & Document>('live').insertMany(rows.map((r) => ({ ...r })));
    await live.bulkWrite(
      await summaryWrites(
        live,
        spec,
        rows.map((r) => ({ id: r._id, before: null, after: r })),
      ),
    );

    // What ADR 0008's first layout left: rows carrying their group key, summaries recomputed from rows.
    const old = db.collection<Document>('old');
    const oldRows = db.collection<{ _id: string } & Document>('old');
    await oldRows.insertMany(rows.map((r) => ({ ...r, keys: [`sum1:x:${Math.floor(r.ordinal / 4)}`] })));
    await oldRows.insertMany([
      {
        _id: 'sum1:x:0',
        keys: ['sum1:x:0', 'sum2:x:0'],
        summary: { red: 2, blue: 2 },
        _applied: {},
        _rev: 1,
      },
      { _id: 'sum2:x:0', keys: ['sum2:x:0', 'sum:top'], summary: { red: 2, blue: 2 }, _applied: {}, _rev: 1 },
    ]);

    expect(await migrateSummaries(old, spec, 7)).toEqual({ rows: 30 });
    expect(await summariesOf('old')).toEqual(await summariesOf('live'));
    expect(await old.countDocuments({ _id: { $in: ['sum1:x:0', 'sum2:x:0'] } } as Document)).toBe(0);
    expect(await readSummaries(old, spec)).toEqual({ red: 10, blue: 20 });
    // Once: the next start finds nothing to do.
    expect(await migrateSummaries(old, spec)).toEqual({ rows: 0 });
  });
});
