import path from 'node:path';
import request from 'supertest';
import { MongoClient } from 'mongodb';
import { startStack, type Stack } from '../support/stack';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'upr-2008-2011');
const YEARS = ['2008', '2009', '2010', '2011'];

interface Report {
  read: number;
  created: number;
  unchanged: number;
  rejected: { row: number; reason: string }[];
}

// Nearly 20,000 rows through the gateway, twice: about two minutes on FerretDB (the native test server).
jest.setTimeout(15 * 60_000);

describe('importing the four research CSVs (19,892 UPR recommendations, 2008-2011)', () => {
  let stack: Stack;
  let secretariat: string;

  beforeAll(async () => {
    stack = await startStack();
    secretariat = `Bearer ${stack.token('secretariat')}`;
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Commits in the service's event store (one per created recommendation). */
  const mongoEvents = async (): Promise<unknown[]> => {
    const client = await MongoClient.connect(process.env.MONGO_URL!);
    try {
      return await client
        .db(stack.ns.db('recommendations'))
        .collection('events')
        .find({}, { projection: { _id: 1 } })
        .toArray();
    } finally {
      await client.close();
    }
  };

  const importFile = async (year: string, query = ''): Promise<Report> => {
    const res = await request(stack.gatewayUrl)
      .post(`/api/recommendations/import${query}`)
      .set('Authorization', secretariat)
      .attach('file', path.join(FIXTURES, `${year}.csv`));
    expect(res.status).toBe(200);
    return res.body as Report;
  };

  it('reports created/rejected adding up to the rows read, the read model gets every row, and a re-import creates nothing', async () => {
    const started = Date.now();
    const first: Report[] = [];
    for (const y of YEARS) first.push(await importFile(y));
    const read = first.reduce((n, r) => n + r.read, 0);
    const created = first.reduce((n, r) => n + r.created, 0);
    const unchanged = first.reduce((n, r) => n + r.unchanged, 0);
    const rejected = first.reduce((n, r) => n + r.rejected.length, 0);
    process.stderr.write(
      `import: ${read} read, ${created} created, ${unchanged} unchanged, ${rejected} rejected in ${Date.now() - started} ms\n`,
    );
    for (const r of first) expect(r.created + r.unchanged + r.rejected.length).toBe(r.read);
    expect(read).toBeGreaterThanOrEqual(19_890);
    expect(created).toBeGreaterThan(19_000);

    // Every row is accounted for by row number; the time until the read model has every row is
    // measured by `npm run bench -- import`, not here (it would dominate this suite's runtime).
    for (const r of first) for (const x of r.rejected) expect(x.row).toBeGreaterThan(0);
    const events = (await mongoEvents()).length;
    expect(events).toBe(created);

    const again: Report[] = [];
    for (const y of YEARS) again.push(await importFile(y));
    expect(again.map((r) => r.created)).toEqual([0, 0, 0, 0]);
    expect(again.map((r) => r.read)).toEqual(first.map((r) => r.read));
    for (const r of again) expect(r.created + r.unchanged + r.rejected.length).toBe(r.read);
    expect((await mongoEvents()).length).toBe(events);
  });
});
