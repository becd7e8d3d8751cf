import { MongoClient } from 'mongodb';
import request from 'supertest';
import type { Role } from '@tracker/auth';
import { waitFor } from '@tracker/testing';
import { startStack, type Stack } from '../support/stack';

const SERVICES = ['recommendations', 'commitments', 'follow-up'] as const;
const PROJECTION = {
  recommendations: 'recommendation_catalogue',
  commitments: 'commitments_view',
  'follow-up': 'tracker_items',
} as const;
const SOME_ID = '0190d4c8-0000-7000-8000-000000000000';

/** Every audit route, through the gateway: [method, path]. */
const auditRoutes = (): [string, string][] => [
  ...SERVICES.flatMap((s): [string, string][] => [
    ['GET', `/api/audit/${s}`],
    ['GET', `/api/audit/${s}/events`],
    ['GET', `/api/audit/${s}/events?format=ndjson`],
    ['GET', `/api/audit/${s}/streams/recommendation-${SOME_ID}`],
    ['GET', `/api/audit/${s}/projections/${PROJECTION[s]}/${SOME_ID}`],
    ['GET', `/api/audit/${s}/verify`],
    ['POST', `/api/audit/${s}/rebuild/${PROJECTION[s]}`],
    ['GET', `/api/audit/${s}/rebuild/${SOME_ID}`],
  ]),
  ['GET', `/api/audit/timeline?item=${SOME_ID}`],
];

describe('audit API access', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const call = (method: string, path: string, role: Role): request.Test => {
    const r = method === 'POST' ? request(stack.gatewayUrl).post(path) : request(stack.gatewayUrl).get(path);
    return r.set('Authorization', `Bearer ${stack.token(role)}`);
  };

  it.each(['viewer', 'secretariat', 'focal-point'] as const)(
    'a %s token gets 403 problem+json on every audit route, at the gateway and at each service',
    async (role) => {
      for (const [method, path] of auditRoutes()) {
        const res = await call(method, path, role);
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      // Straight to the services too (bypassing the gateway's own check).
      for (const s of SERVICES) {
        const res = await request(stack.urls[s])
          .get('/api/audit/events')
          .set('Authorization', `Bearer ${stack.token(role)}`);
        expect(res.status).toBe(403);
      }
    },
  );

  it('no token is 401; auditor and admin get through', async () => {
    await request(stack.gatewayUrl).get('/api/audit/recommendations/events').expect(401);
    for (const role of ['auditor', 'admin'] as const) {
      for (const s of SERVICES) {
        const res = await call('GET', `/api/audit/${s}`, role);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ service: s, eventStore: true });
      }
    }
  });

  it('records every audit request, allowed or denied, in the service audit_log (who asked what)', async () => {
    await call('GET', '/api/audit/commitments/verify', 'auditor').expect(200);
    // Denied at the gateway already (logged there); straight at the service it is recorded as well.
    await call('GET', '/api/audit/commitments/verify?stream=x', 'secretariat').expect(403);
    await request(stack.urls.commitments)
      .get('/api/audit/verify?stream=x')
      .set('Authorization', `Bearer ${stack.token('secretariat')}`)
      .expect(403);
    const client = await MongoClient.connect(process.env.MONGO_URL!);
    try {
      const log = client.db(stack.ns.db('commitments')).collection('audit_log');
      const records = await waitFor(
        async () => {
          const found = await log
            .find({ path: { $in: ['/api/audit/verify', '/api/audit/verify?stream=x'] } })
            .toArray();
          return found.length >= 2 ? found : undefined;
        },
        { what: 'audit log records' },
      );
      expect(records).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ actor: 'test-auditor', role: 'auditor', method: 'GET', status: 200 }),
          expect.objectContaining({ actor: 'test-secretariat', role: 'secretariat', status: 403 }),
        ]),
      );
    } finally {
      await client.close();
    }
  });
});
