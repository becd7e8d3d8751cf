import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Role } from '@tracker/auth';
import { waitFor } from '@tracker/testing';
import { startStack, type Stack } from '../support/stack';

/**
 * Every write endpoint × every caller, through the gateway (roles: libs/auth/src/principal.ts): admin may do
 * everything; secretariat every write; a focal point only its own institution's commitments and their
 * assessments; auditor and viewer read only (the auditor's audit API is read-only too). Allowed calls
 * must succeed (2xx) on a fresh target; denied ones must be 403 problem+json (404 where the target
 * is not revealed to the caller) and change nothing.
 * A new write endpoint is one row in WRITES; the last test fails while the gateway's OpenAPI document
 * lists a write operation that has no row.
 */

const OWN = 'ministry-of-justice';
const OTHER = 'ministry-of-defence';

type Caller =
  | 'admin'
  | 'secretariat'
  | 'focal-point (own institution)'
  | 'focal-point (other institution)'
  | 'auditor'
  | 'viewer';
const CALLERS: Record<Caller, { role: Role; institution?: string }> = {
  admin: { role: 'admin' },
  secretariat: { role: 'secretariat' },
  'focal-point (own institution)': { role: 'focal-point', institution: OWN },
  'focal-point (other institution)': { role: 'focal-point', institution: OTHER },
  auditor: { role: 'auditor' },
  viewer: { role: 'viewer' },
};
const ALL = Object.keys(CALLERS) as Caller[];
const STAFF: Caller[] = ['admin', 'secretariat'];
const OWN_INSTITUTION: Caller[] = ['admin', 'secretariat', 'focal-point (own institution)'];

/** What a row acts on, created fresh (by admin) for every call so each call finds the same state. */
interface Target {
  readonly id: string;
  readonly etag: string;
}
type TargetKind =
  | 'none'
  | 'recommendation'
  | 'commitment'
  | 'past-due commitment'
  | 'assessable commitment'
  | 'assessable recommendation'
  | 'subscription'
  | 'alert'
  | 'cluster';

interface WriteEndpoint {
  readonly method: 'post' | 'put' | 'patch' | 'delete';
  /** As in the OpenAPI document, `{id}` for the target. */
  readonly path: string;
  readonly target: TargetKind;
  readonly allowed: readonly Caller[];
  readonly send: (t: Target) => {
    body?: object;
    query?: Record<string, string>;
    file?: { name: string; content: string };
  };
  readonly note?: string;
  /** Denied callers answered 404 instead of 403: the target is not revealed to them. */
  readonly hiddenFrom?: readonly Caller[];
}

const today = new Date().toISOString().slice(0, 10);
const evidence = [{ source: 'Secretariat monitoring', date: today, summary: 'Checked with the ministry.' }];
const recommendationBody = (): object => ({
  mechanism: 'upr',
  recommendingEntities: ['Ecuador'],
  document: { citation: `A/HRC/54/7 para ${randomUUID().slice(0, 8)}`, date: '2023-07-10' },
  text: { en: `Role matrix recommendation ${randomUUID()}` },
  themes: ['elections'],
  published: true,
});
const commitmentBody = (dueDate = '2099-12-31', institutions = [OWN]): object => ({
  title: { en: `Role matrix commitment ${randomUUID()}` },
  text: 'The government undertook to do something.',
  madeAt: { forum: 'Security Council', date: '2023-06-01', citation: 'S/PV.9999' },
  institutions,
  dueDate,
});

// One line per write endpoint.
const WRITES: WriteEndpoint[] = [
  {
    method: 'post',
    path: '/api/recommendations',
    target: 'none',
    allowed: STAFF,
    send: () => ({ body: recommendationBody() }),
  },
  {
    method: 'post',
    path: '/api/recommendations/import',
    target: 'none',
    allowed: STAFF,
    send: () => ({
      query: { dryRun: 'true', format: 'jsonl' },
      file: { name: 'one.jsonl', content: `${JSON.stringify(recommendationBody())}\n` },
    }),
  },
  {
    method: 'patch',
    path: '/api/recommendations/{id}/text',
    target: 'recommendation',
    allowed: STAFF,
    send: () => ({ body: { fr: 'Texte en français.' } }),
  },
  {
    method: 'post',
    path: '/api/recommendations/{id}/positions',
    target: 'recommendation',
    allowed: STAFF,
    send: () => ({ body: { value: 'supported', date: '2023-09-25' } }),
  },
  {
    method: 'patch',
    path: '/api/recommendations/{id}/tags',
    target: 'recommendation',
    allowed: STAFF,
    send: () => ({ body: { themes: ['elections', 'freedom-of-expression'] } }),
  },
  {
    method: 'put',
    path: '/api/recommendations/{id}/cluster',
    target: 'recommendation',
    allowed: STAFF,
    send: () => ({ body: { clusterKey: 'role-matrix' } }),
  },
  {
    method: 'put',
    path: '/api/recommendations/{id}/publication',
    target: 'recommendation',
    allowed: STAFF,
    send: () => ({ body: { published: false } }),
  },
  {
    method: 'post',
    path: '/api/commitments',
    target: 'none',
    allowed: OWN_INSTITUTION,
    send: () => ({ body: commitmentBody() }),
  },
  {
    method: 'patch',
    path: '/api/commitments/{id}',
    target: 'commitment',
    allowed: OWN_INSTITUTION,
    send: () => ({ body: { text: 'Revised text.' } }),
  },
  {
    method: 'post',
    path: '/api/commitments/{id}/due-date-extensions',
    target: 'commitment',
    allowed: OWN_INSTITUTION,
    send: () => ({ body: { dueDate: '2100-06-30', reason: 'new transition timetable' } }),
  },
  {
    method: 'post',
    path: '/api/commitments/{id}/fulfilment',
    target: 'commitment',
    allowed: OWN_INSTITUTION,
    send: () => ({ body: { fulfilledOn: today, evidence } }),
  },
  {
    method: 'post',
    path: '/api/commitments/{id}/withdrawal',
    target: 'commitment',
    allowed: OWN_INSTITUTION,
    send: () => ({ body: { reason: 'superseded' } }),
  },
  {
    method: 'post',
    path: '/api/commitments/{id}/lapse',
    target: 'past-due commitment',
    allowed: STAFF,
    send: () => ({}),
    note: 'the deadline timer’s job; staff only',
  },
  {
    method: 'post',
    path: '/api/assessments',
    target: 'assessable commitment',
    allowed: OWN_INSTITUTION,
    send: (t) => ({
      body: { target: { kind: 'commitment', id: t.id }, status: 'in-progress', assessedOn: today, evidence },
    }),
  },
];

WRITES.push(
  {
    method: 'post',
    path: '/api/subscriptions',
    target: 'none',
    allowed: STAFF,
    send: () => ({ body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['commitment.lapsed'] } }),
  },
  {
    method: 'delete',
    path: '/api/subscriptions/{id}',
    target: 'subscription',
    allowed: STAFF,
    send: () => ({}),
  },
  {
    method: 'post',
    path: '/api/alerts/{id}/acknowledgement',
    target: 'alert',
    allowed: OWN_INSTITUTION,
    hiddenFrom: ['focal-point (other institution)'],
    send: () => ({}),
    note: 'staff, and a focal point for its own institution’s commitments; another institution’s alert is a 404',
  },
  {
    method: 'put',
    path: '/api/recommendations/clusters/{key}',
    target: 'cluster',
    allowed: STAFF,
    send: () => ({
      body: { title: { en: 'Role matrix cluster', fr: 'Regroupement de la matrice des rôles' } },
    }),
  },
  {
    method: 'put',
    path: '/api/tracker/items/{id}/stale-after',
    target: 'assessable commitment',
    allowed: STAFF,
    send: () => ({ body: { staleAfterDays: 30, reason: 'reported on every month' } }),
    note: 'how often an item must be assessed is the secretariat’s call',
  },
);

/** Assessing a recommendation is the secretariat's job: no focal point, whatever its institution. */
const ASSESS_RECOMMENDATION: WriteEndpoint = {
  method: 'post',
  path: '/api/assessments',
  target: 'assessable recommendation',
  allowed: STAFF,
  send: (t) => ({
    body: { target: { kind: 'recommendation', id: t.id }, status: 'not-started', assessedOn: today },
  }),
};

describe('role matrix: every write endpoint × every role, through the gateway', () => {
  let stack: Stack;
  const bearer = (caller: Caller): string => {
    const c = CALLERS[caller];
    return `Bearer ${stack.token(c.role, c.institution)}`;
  };

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const create = async (path: string, body: object): Promise<Target> => {
    const res = await request(stack.gatewayUrl).post(path).set('Authorization', bearer('admin')).send(body);
    if (res.status !== 201)
      throw new Error(`creating the target at ${path} answered ${res.status}: ${res.text}`);
    const b = res.body as Record<string, unknown>;
    const id = (b.recommendationId ?? b.commitmentId ?? b.subscriptionId) as string;
    return { id, etag: res.headers.etag as string };
  };

  const targetFor = async (kind: TargetKind): Promise<Target> => {
    switch (kind) {
      case 'none':
        return { id: '', etag: '' };
      case 'cluster':
        // A key nobody used: the PUT titles (creates) it.
        return { id: `role-matrix-${randomUUID().slice(0, 8)}`, etag: '' };
      case 'recommendation':
        return create('/api/recommendations', recommendationBody());
      case 'commitment':
        return create('/api/commitments', commitmentBody());
      case 'past-due commitment':
        return create('/api/commitments', commitmentBody('2024-02-24'));
      case 'subscription':
        return { ...(await create('/api/subscriptions', { url: 'http://127.0.0.1:9/hook' })), etag: '' };
      case 'alert': {
        // A lapsed commitment raises an alert in follow-up's feed (over Kafka).
        const c = await create('/api/commitments', commitmentBody('2024-02-24'));
        const lapsed = await request(stack.gatewayUrl)
          .post(`/api/commitments/${c.id}/lapse`)
          .set('Authorization', bearer('admin'))
          .set('If-Match', c.etag);
        if (lapsed.status >= 300)
          throw new Error(`lapsing ${c.id} answered ${lapsed.status}: ${lapsed.text}`);
        const alertId = await waitFor(
          async () => {
            // As the owning focal point sees it: follow-up's alert feed and tracker rows consume the topic
            // separately, and the focal point's scope comes from the tracker row.
            const res = await request(stack.gatewayUrl)
              .get('/api/alerts')
              .set('Authorization', bearer('focal-point (own institution)'));
            const items = (res.body as { items?: { alertId: string; commitmentId: string }[] }).items ?? [];
            return items.find((a) => a.commitmentId === c.id)?.alertId;
          },
          { what: `the alert for commitment ${c.id}` },
        );
        return { id: alertId, etag: '' };
      }
      case 'assessable commitment':
      case 'assessable recommendation': {
        const t =
          kind === 'assessable commitment'
            ? await create('/api/commitments', commitmentBody())
            : await create('/api/recommendations', recommendationBody());
        // Follow-up learns the item (and a commitment's institutions) from Kafka before it can assess it.
        await waitFor(
          async () => {
            const res = await request(stack.gatewayUrl)
              .get(`/api/tracker/items/${t.id}`)
              .set('Authorization', bearer('admin'));
            return res.status === 200 ? true : undefined;
          },
          { what: `follow-up to know ${kind} ${t.id}` },
        );
        return t;
      }
    }
  };

  const call = (endpoint: WriteEndpoint, caller: Caller, target: Target): request.Test => {
    const { body, query, file } = endpoint.send(target);
    const agent = request(stack.gatewayUrl);
    const path = endpoint.path.replace(/\{[a-z]+\}/, target.id);
    let r = agent[endpoint.method](path).set('Authorization', bearer(caller));
    if (target.etag) r = r.set('If-Match', target.etag);
    if (query) r = r.query(query);
    if (file) return r.attach('file', Buffer.from(file.content), file.name);
    return body ? r.send(body) : r;
  };

  const cases = [...WRITES, ASSESS_RECOMMENDATION].flatMap((endpoint) =>
    ALL.map((caller) => ({
      name: `${endpoint.method.toUpperCase()} ${endpoint.path}${endpoint === ASSESS_RECOMMENDATION ? ' (of a recommendation)' : ''} as ${caller}`,
      endpoint,
      caller,
      allowed: endpoint.allowed.includes(caller),
    })),
  );

  it.each(cases)('$name → allowed: $allowed', async ({ endpoint, caller, allowed }) => {
    const target = await targetFor(endpoint.target);
    const res = await call(endpoint, caller, target);
    if (allowed) {
      expect({ status: res.status, body: res.status >= 300 ? (res.body as unknown) : null }).toEqual({
        status: expect.any(Number) as unknown,
        body: null,
      });
      expect(res.status).toBeLessThan(300);
    } else {
      const status = endpoint.hiddenFrom?.includes(caller) ? 404 : 403;
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status, body: { status } });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (endpoint.target === 'cluster') {
        // Nothing changed: the cluster still has no title (nor members), so it does not exist.
        const read = await request(stack.gatewayUrl)
          .get(`/api/recommendations/clusters/${target.id}`)
          .set('Authorization', bearer('admin'));
        expect(read.status).toBe(404);
      } else if (target.id && !endpoint.target.startsWith('assessable')) {
        // Nothing changed: the target is still at the version it was created with.
        const path = endpoint.path.startsWith('/api/recommendations')
          ? '/api/recommendations'
          : '/api/commitments';
        const read = await request(stack.gatewayUrl)
          .get(`${path}/${target.id}`)
          .set('Authorization', bearer('admin'));
        if (read.status === 200) expect(read.headers.etag).toBe(target.etag);
      }
    }
  });

  it('a focal point cannot create a commitment that includes another institution only', async () => {
    const res = await request(stack.gatewayUrl)
      .post('/api/commitments')
      .set('Authorization', bearer('focal-point (own institution)'))
      .send(commitmentBody('2099-12-31', [OTHER]));
    expect(res.status).toBe(403);
  });

  it('every write operation the gateway documents has a row here, with the same roles', async () => {
    const doc = (await request(stack.gatewayUrl).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { 'x-roles'?: string[] }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
        .filter(([, op]) => !(op['x-roles'] ?? []).every((r) => r === 'admin' || r === 'auditor'))
        .map(([method, op]) => ({
          key: `${method.toUpperCase()} ${path}`,
          roles: [...(op['x-roles'] ?? [])].sort(),
        })),
    );
    const rows = new Map(
      WRITES.map((w) => [
        `${w.method.toUpperCase()} ${w.path}`,
        [...new Set(w.allowed.map((c) => CALLERS[c].role))].sort(),
      ]),
    );
    expect(documented.filter((d) => !rows.has(d.key)).map((d) => d.key)).toEqual([]);
    for (const d of documented)
      expect({ endpoint: d.key, roles: d.roles }).toEqual({ endpoint: d.key, roles: rows.get(d.key) });
  });
});
