import http from 'node:http';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, signDevToken } from '@tracker/auth';
import { ResponseContract } from '@tracker/testing';
import openapi from '../../docs/openapi.json';
import { refResolver } from '../support/fuzz/json-schema-arbitrary';
import {
  operationsOf,
  renderRequest,
  requestFor,
  strayRequest,
  type FuzzContext,
  type FuzzRequest,
  type OpenApiDocument,
} from '../support/fuzz/openapi-requests';
import { contractViolation, send, type FuzzResponse } from '../support/fuzz/send';
import { startStack, type Stack } from '../support/stack';
import { gbvLawRequest } from '../support/requests';

/**
 * Fuzzing the whole running system from its own contract: requests generated from docs/openapi.json
 * (every operation; valid and broken parameters, headers, bodies; tokens of every role and bad ones)
 * against the gateway. Whatever comes in, no answer is a 5xx and every 4xx is RFC 9457 problem+json;
 * and every answer conforms to the document: a status the operation documents, a Content-Type that
 * status documents, and a body valid against its schema (libs/testing/src/openapi-conformance.ts).
 * FUZZ_RUNS, FUZZ_CONCURRENCY and FUZZ_SEED tune and reproduce a run; docs/reliability.md has figures.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/** FUZZ_SURVEY=1: do not stop at the first violation; list every distinct one (no shrinking). */
const SURVEY = process.env.FUZZ_SURVEY === '1';
const UNKNOWN_ID = '0190d4c8-0000-7000-8000-000000000000';
const INSTITUTION = 'ministry-of-justice';

const doc = openapi as unknown as OpenApiDocument;

const hs = { secret: DEV_JWT_SECRET, issuer: DEFAULT_JWT_ISSUER };
const nowS = (): number => Math.floor(Date.now() / 1000);
const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const tokensOf = (stack: Stack): Record<string, string | undefined> => ({
  admin: `Bearer ${stack.token('admin')}`,
  secretariat: `Bearer ${stack.token('secretariat')}`,
  'focal-point': `Bearer ${stack.token('focal-point', INSTITUTION)}`,
  'focal-point (other institution)': `Bearer ${stack.token('focal-point', 'ministry-of-defence')}`,
  auditor: `Bearer ${stack.token('auditor')}`,
  viewer: `Bearer ${stack.token('viewer')}`,
  none: undefined,
  'empty bearer': 'Bearer ',
  'basic auth': `Basic ${Buffer.from('admin:admin').toString('base64')}`,
  'lower-case scheme': `bearer ${stack.token('admin')}`,
  expired: `Bearer ${jwt.sign({ role: 'admin', exp: nowS() - 120 }, hs.secret, { subject: 'x', issuer: hs.issuer })}`,
  'not yet valid': `Bearer ${jwt.sign({ role: 'admin', nbf: nowS() + 3600 }, hs.secret, { subject: 'x', issuer: hs.issuer, expiresIn: 7200 })}`,
  'bad signature': `Bearer ${signDevToken({ ...hs, secret: 'not-the-secret-at-all!' }, { sub: 'x', role: 'admin' })}`,
  'alg none': `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', role: 'admin', iss: hs.issuer, exp: nowS() + 600 })}.`,
  'wrong issuer': `Bearer ${signDevToken({ ...hs, issuer: 'elsewhere' }, { sub: 'x', role: 'admin' })}`,
  'no expiry': `Bearer ${jwt.sign({ role: 'admin' }, hs.secret, { subject: 'x', issuer: hs.issuer })}`,
  'unknown role': `Bearer ${jwt.sign({ role: 'root' }, hs.secret, { subject: 'x', issuer: hs.issuer, expiresIn: 600 })}`,
  'claims not an object': `Bearer ${b64({ alg: 'HS256', typ: 'JWT' })}.${Buffer.from('"admin"').toString('base64url')}.sig`,
  garbage: 'Bearer abc.def.ghi',
  'huge garbage': `Bearer ${'A'.repeat(6000)}`,
});
const VALID_AUTH = [
  'admin',
  'secretariat',
  'focal-point',
  'focal-point (other institution)',
  'auditor',
  'viewer',
];

const recommendation = gbvLawRequest('fuzz-hrc-res-40-26-op11');
const commitment = {
  title: { en: 'Adopt the law on gender-based violence' },
  text: 'Mali undertook to adopt the law on gender-based violence.',
  madeAt: { forum: 'Human Rights Council', date: '2023-05-02', citation: 'A/HRC/53/9' },
  institutions: [INSTITUTION],
  dueDate: '2030-05-02',
  dueDateKind: 'secretariat-target',
  dueDateNote: 'secretariat target',
};

/** Things that exist, so that generated requests reach aggregates and not only 404s. */
const seed = async (stack: Stack): Promise<FuzzContext['known']> => {
  const auth = `Bearer ${stack.token('secretariat')}`;
  const api = () => request(stack.gatewayUrl);
  const rec = await api()
    .post('/api/recommendations')
    .set('Authorization', auth)
    .send(recommendation)
    .expect(201);
  const recommendationId = (rec.body as { recommendationId: string }).recommendationId;
  const com = await api()
    .post('/api/commitments')
    .set('Authorization', auth)
    .send({ ...commitment, linkedRecommendationIds: [recommendationId] })
    .expect(201);
  const commitmentId = (com.body as { commitmentId: string }).commitmentId;
  await api()
    .put(`/api/recommendations/${recommendationId}/cluster`)
    .set('Authorization', auth)
    .set('If-Match', '"1"')
    .send({ clusterKey: 'gbv-law' })
    .expect(200);
  const sub = await api()
    .post('/api/subscriptions')
    .set('Authorization', auth)
    .send({ url: 'http://127.0.0.1:9/hook', eventTypes: ['commitment.lapsed'] })
    .expect(201);
  const subscriptionId = (sub.body as { subscriptionId: string }).subscriptionId;
  const ids = [recommendationId, commitmentId, subscriptionId, UNKNOWN_ID];
  return {
    id: ids,
    targetId: [recommendationId, commitmentId],
    linkedRecommendationIds: [recommendationId],
    institutions: [INSTITUTION],
    key: ['gbv-law'],
    cluster: ['gbv-law'],
    clusterKey: ['gbv-law'],
    institution: [INSTITUTION],
    streamId: [`recommendation-${recommendationId}`, `commitment-${commitmentId}`],
    projection: ['recommendation_catalogue', 'commitments_view', 'tracker_items', 'assessment_activity'],
  };
};

interface Tally {
  requests: number;
  /** Answers held to the document (status, content-type, headers, body), and the 2xx among them. */
  checked: number;
  checkedSuccesses: number;
  readonly byOperation: Map<string, number>;
  readonly byStatus: Map<number, number>;
  /** Milliseconds spent waiting for answers, by operation: where the time goes. */
  readonly msByOperation: Map<string, number>;
}

class ContractViolation extends Error {
  constructor(
    readonly why: string,
    readonly req: FuzzRequest,
    readonly res: FuzzResponse | null,
  ) {
    super(
      `${why}\n${renderRequest(req)}\n→ ${res ? `${res.status} ${res.contentType}\n${res.body.slice(0, 800)}` : 'no answer'}`,
    );
  }
}

describe('fuzzing the gateway from docs/openapi.json', () => {
  let stack: Stack;
  let known: FuzzContext['known'];

  beforeAll(async () => {
    // The rate limiter has its own test; here it would turn most answers into 429s.
    stack = await startStack({}, { gateway: { RATE_LIMIT_PER_MINUTE: '10000000' } });
    known = await seed(stack);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it(`answers ${RUNS} generated requests with no 5xx, every 4xx as RFC 9457 problem+json, every answer as documented`, async () => {
    const resolve = refResolver(doc);
    const contract = new ResponseContract(openapi);
    const operations = operationsOf(doc);
    const ctx: FuzzContext = { auth: tokensOf(stack), validAuth: VALID_AUTH, known };
    const createRecommendation =
      doc.paths['/api/recommendations']?.post?.requestBody?.content?.['application/json']?.schema;
    // Every operation equally often, plus paths that are in no document.
    const anyRequest = fc.oneof(
      ...operations.map((op) => requestFor(op, ctx, resolve, createRecommendation)),
      strayRequest(ctx),
    );

    const tally: Tally = {
      requests: 0,
      checked: 0,
      checkedSuccesses: 0,
      byOperation: new Map(),
      byStatus: new Map(),
      msByOperation: new Map(),
    };
    const survey = new Map<string, string>();
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const property = fc.asyncProperty(anyRequest, async (req) => {
      tally.requests += 1;
      tally.byOperation.set(req.operation, (tally.byOperation.get(req.operation) ?? 0) + 1);
      let res: FuzzResponse;
      const sentAt = Date.now();
      try {
        res = await send(stack.gatewayUrl, req, agent);
      } catch (err) {
        throw new ContractViolation(`transport error: ${(err as Error).message}`, req, null);
      } finally {
        tally.msByOperation.set(
          req.operation,
          (tally.msByOperation.get(req.operation) ?? 0) + Date.now() - sentAt,
        );
      }
      tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
      // A request sent with another method than its operation's is answered by no operation: it only
      // has to be a proper problem.
      const documented = req.operation !== 'stray path' && req.operation.startsWith(`${req.method} `);
      if (documented) {
        tally.checked += 1;
        if (res.status < 300) tally.checkedSuccesses += 1;
      }
      const why = contractViolation(res) ?? (documented ? contract.violation(req.operation, res) : null);
      if (why && SURVEY) {
        const kind = `${req.operation} → ${why.replace(/"[^"]*"/g, '"…"').slice(0, 300)}`;
        if (!survey.has(kind)) survey.set(kind, new ContractViolation(why, req, res).message);
      } else if (why) throw new ContractViolation(why, req, res);
    });

    const started = Date.now();
    // fast-check runs one property sequentially; CONCURRENCY independent runs (seeds SEED + i) keep the
    // gateway busy, and each shrinks its own failure to the smallest request that still breaks.
    const perWorker = Math.ceil(RUNS / CONCURRENCY);
    const results = await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        fc.check(property, { numRuns: perWorker, seed: SEED + i }),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    agent.destroy();

    const classes = [2, 3, 4, 5].map((c) => {
      let n = 0;
      for (const [status, count] of tally.byStatus) if (Math.floor(status / 100) === c) n += count;
      return `${c}xx ${n}`;
    });
    process.stdout.write(
      `fuzz: ${tally.requests} requests in ${seconds.toFixed(1)} s (${Math.round(tally.requests / seconds)} req/s, ` +
        `concurrency ${CONCURRENCY}, seed ${SEED}); ${classes.join(', ')}; statuses ${JSON.stringify(Object.fromEntries([...tally.byStatus].sort((a, b) => a[0] - b[0])))}\n`,
    );

    const slowest = [...tally.msByOperation]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([op, ms]) => `${op} ${Math.round(ms / (tally.byOperation.get(op) ?? 1))} ms`);
    process.stdout.write(`fuzz: slowest operations (mean latency): ${slowest.join(', ')}\n`);

    const failures = results.flatMap((r, i) => {
      if (!r.failed) return [];
      const err = r.errorInstance;
      const shrunk = r.counterexample?.[0];
      const what =
        err instanceof ContractViolation
          ? err.message
          : `${String(err)}\n${shrunk ? renderRequest(shrunk) : ''}`;
      return [
        `worker ${i} (seed ${SEED + i}, path ${r.counterexamplePath ?? '?'}; ${r.numShrinks} shrinks):\n${what}`,
      ];
    });
    if (failures.length) process.stderr.write(`fuzz failures (shrunk):\n\n${failures.join('\n\n')}\n`);
    if (survey.size) process.stderr.write(`fuzz survey:\n\n${[...survey.values()].join('\n\n')}\n`);
    expect([...survey.keys()]).toEqual([]);
    expect(failures).toEqual([]);

    expect(tally.requests).toBeGreaterThanOrEqual(RUNS);
    // The conformance check really ran: on most answers, and on a good share of successes (2xx bodies).
    process.stdout.write(
      `fuzz: ${tally.checked} answers checked against the document, ${tally.checkedSuccesses} of them 2xx\n`,
    );
    expect(tally.checked).toBeGreaterThan(RUNS * 0.8);
    expect(tally.checkedSuccesses).toBeGreaterThan(RUNS * 0.1);
    // Every operation of the document was exercised, and not just once.
    const starved = operations.filter(
      (op) => (tally.byOperation.get(op.key) ?? 0) < RUNS / (operations.length + 1) / 4,
    );
    expect(starved.map((op) => op.key)).toEqual([]);
  });
});
