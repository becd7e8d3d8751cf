import path from 'node:path';
import request from 'supertest';
import { waitFor } from '@tracker/testing';
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

    const client = await MongoClient.connect(process.env.MONGO_URL!);
    try {
      const catalogue = client.db(stack.ns.db('recommendations')).collection('recommendation_catalogue');
      await waitFor(async () => ((await catalogue.countDocuments()) === created ? true : undefined), {
        timeoutMs: 120_000,
        intervalMs: 500,
        what: `${created} catalogue entries`,
      });
      process.stderr.write(`import: read model complete after ${Date.now() - started} ms\n`);
    } finally {
      await client.close();
    }

    const again: Report[] = [];
    for (const y of YEARS) again.push(await importFile(y));
    expect(again.map((r) => r.created)).toEqual([0, 0, 0, 0]);
    expect(again.map((r) => r.read)).toEqual(first.map((r) => r.read));
    for (const r of again) expect(r.created + r.unchanged + r.rejected.length).toBe(r.read);
  });
});
