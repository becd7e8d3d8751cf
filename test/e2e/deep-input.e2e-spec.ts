import { MongoClient } from 'mongodb';
import request from 'supertest';
import { stackForSuite } from '../support/stack';

jest.setTimeout(120_000);

/** `{"a":{"a":…1…}}`, `depth` objects deep: a few thousand levels used to overflow every service's stack. */
const deepJson = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

const expectDepthProblem = (res: request.Response): void => {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.text) as { type: string; detail: string };
  expect(body.type).toBe('https://tracker.example/problems/json-too-deep');
  expect(body.detail).toContain('the limit is 64');
};

describe('JSON nested 10,000 levels deep, through the gateway', () => {
  const suite = stackForSuite();

  it.each([
    ['recommendations', '/api/recommendations'],
    ['commitments', '/api/commitments'],
    ['follow-up', '/api/subscriptions'],
  ])('is a 400 problem naming the limit from %s, not a 500', async (_service, path) => {
    const res = await request(suite.stack.gatewayUrl)
      .post(path)
      .set('Authorization', suite.bearer('admin'))
      .set('Content-Type', 'application/json')
      .send(deepJson(10_000));
    expectDepthProblem(res);
  });

  it('query strings stay flat: 3,000 levels of brackets are one unknown parameter (400), not a walk', async () => {
    // Express 5's "simple" query parser does not build nested objects from `a[b][c]`; this pins it.
    const res = await request(suite.stack.gatewayUrl)
      .get(`/api/recommendations?x${'[a]'.repeat(3_000)}=1`)
      .set('Authorization', suite.bearer('secretariat'));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('is a 400 problem for a JSON-lines import, and no row of the file is written', async () => {
    const good = JSON.stringify({
      mechanism: 'upr',
      recommendingEntities: ['Ecuador'],
      document: { citation: 'deep-input e2e, bullet 1', date: '2023-05-02' },
      text: { en: 'Adopt the law on gender-based violence' },
      externalKey: 'deep-input-1',
    });
    const file = Buffer.from(`${good}\n${deepJson(10_000)}\n`, 'utf8');
    const res = await request(suite.stack.gatewayUrl)
      .post('/api/recommendations/import')
      .set('Authorization', suite.bearer('secretariat'))
      .attach('file', file, { filename: 'deep.jsonl', contentType: 'application/x-ndjson' });
    expectDepthProblem(res);
    expect((JSON.parse(res.text) as { detail: string }).detail).toMatch(/^line 2: /);
    // The file is refused as a whole before its first row is read: the event store holds nothing.
    const client = await MongoClient.connect(process.env.MONGO_URL!);
    try {
      const events = client.db(suite.stack.ns.db('recommendations')).collection('events');
      expect(await events.countDocuments({})).toBe(0);
    } finally {
      await client.close();
    }
  });
});
