import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { waitFor } from '@tracker/testing';
import { waitForTrackerRow } from '../support/requests';
import { startStack, type Stack } from '../support/stack';

const recommendation = (text: string): object => ({
  mechanism: 'security-council',
  recommendingEntities: ['Security Council'],
  document: { citation: 'S/2023/402 para 19', date: '2023-06-01' },
  text: { en: text },
  themes: ['accountability-impunity'],
  published: true,
});

describe('gateway: health, routing, correlation ids, rate limits', () => {
  let stack: Stack;
  let auth: string;
  let mongo: MongoClient;

  beforeAll(async () => {
    stack = await startStack();
    auth = `Bearer ${stack.token('secretariat')}`;
    mongo = await MongoClient.connect(process.env.MONGO_URL!);
  });
  afterAll(async () => {
    await mongo?.close();
    await stack?.close();
  });

  it('/health of every service checks MongoDB, Kafka and Redis; the gateway checks the services', async () => {
    for (const url of Object.values(stack.urls)) {
      const res = await request(url).get('/health').expect(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        info: { mongodb: { status: 'up' }, kafka: { status: 'up' }, redis: { status: 'up' } },
      });
    }
    const gateway = await request(stack.gatewayUrl).get('/health').expect(200);
    expect(Object.keys((gateway.body as { info: object }).info).sort()).toEqual([
      'commitments',
      'follow-up',
      'recommendations',
    ]);
  });

  it('an unknown /api path is a 404 problem', async () => {
    const res = await request(stack.gatewayUrl).get('/api/nothing-here').set('Authorization', auth);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('the caller’s correlation id comes back and lands in the metadata of the event it caused', async () => {
    const correlationId = `e2e-${randomUUID()}`;
    const text = `correlated ${randomUUID()}`;
    const res = await request(stack.gatewayUrl)
      .post('/api/recommendations')
      .set('Authorization', auth)
      .set('X-Correlation-Id', correlationId)
      .send(recommendation(text))
      .expect(201);
    expect(res.headers['x-correlation-id']).toBe(correlationId);
    const commit = await mongo
      .db(stack.ns.db('recommendations'))
      .collection('events')
      .findOne({ 'events.data.text.en': text });
    const events = (commit?.events ?? []) as {
      metadata: { correlationId: string; causationId: unknown; actor: string };
    }[];
    expect(events.map((e) => e.metadata)).toEqual([
      expect.objectContaining({ correlationId, causationId: null, actor: 'test-secretariat' }),
    ]);
  });

  it('a malformed correlation id is replaced by a fresh one', async () => {
    const res = await request(stack.gatewayUrl)
      .get('/api/recommendations/0190d4c8-0000-7000-8000-000000000000')
      .set('Authorization', auth)
      .set('X-Correlation-Id', 'not ok; has spaces');
    expect(res.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('past RATE_LIMIT_PER_MINUTE a principal gets 429 problem+json with Retry-After; others still pass', async () => {
    const limited = await stack.startGateway({ RATE_LIMIT_PER_MINUTE: '3' });
    const get = (token: string): request.Test =>
      request(limited)
        .get('/api/recommendations/0190d4c8-0000-7000-8000-000000000000')
        .set('Authorization', token);
    const viewer = `Bearer ${stack.token('viewer')}`;
    for (let i = 0; i < 3; i += 1) expect((await get(viewer)).status).toBe(404);
    const res = await get(viewer);
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Counted per minute window: at most the rest of the window.
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect((await get(`Bearer ${stack.token('auditor')}`)).status).toBe(404);
  });

  it('several gateways grant RATE_LIMIT_PER_MINUTE once between them (the count is in Redis)', async () => {
    const gateways = [
      await stack.startGateway({ RATE_LIMIT_PER_MINUTE: '3' }),
      await stack.startGateway({ RATE_LIMIT_PER_MINUTE: '3' }),
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const res = await request(gateways[i % 2]!)
        .get('/api/recommendations/0190d4c8-0000-7000-8000-000000000000')
        .set('Authorization', auth);
      statuses.push(res.status);
    }
    expect(statuses).toEqual([404, 404, 404, 429]);
  });

  it('the tracker read model is fed through Kafka with the same correlation id in the event', async () => {
    const correlationId = `e2e-${randomUUID()}`;
    const created = await request(stack.gatewayUrl)
      .post('/api/recommendations')
      .set('Authorization', auth)
      .set('X-Correlation-Id', correlationId)
      .send(recommendation(`via kafka ${randomUUID()}`))
      .expect(201);
    const id = (created.body as { recommendationId: string }).recommendationId;
    await waitForTrackerRow(stack.gatewayUrl, auth, id);
  });

  it("/metrics of every service shows each projection's lag, back to 0 once it caught up", async () => {
    const projections = {
      recommendations: ['recommendation_catalogue'],
      commitments: ['commitments_view'],
      'follow-up': ['tracker_items', 'assessment_activity'],
    } as const;
    const lagOf = (text: string, metric: string, projection: string): number | undefined => {
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`${metric}{`) && l.includes(`projection="${projection}"`));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    for (const [service, names] of Object.entries(projections)) {
      const url = stack.urls[service as keyof typeof projections];
      for (const name of names) {
        await waitFor(
          async () => {
            const res = await request(url).get('/metrics').expect(200);
            const events = lagOf(res.text, 'tracker_projection_lag_events', name);
            const seconds = lagOf(res.text, 'tracker_projection_lag_seconds', name);
            return events === 0 && seconds === 0 ? true : undefined;
          },
          { what: `${service} /metrics: ${name} lag 0`, intervalMs: 500 },
        );
      }
    }
  });
});
