import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { sortKeysDeep } from '@tracker/platform';
import { ResponseContract } from '@tracker/testing';
import { gbvLawRequest, waitForTrackerRow } from '../support/requests';
import { startStack, type Stack } from '../support/stack';

const COMMITTED = path.resolve(__dirname, '..', '..', 'docs', 'openapi.json');

interface Operation {
  security?: unknown[];
  responses: Record<string, unknown>;
  parameters?: ({ $ref: string } | { name: string; in: string })[];
}
interface JsonSchema {
  type?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  required?: string[];
  minProperties?: number;
}
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
};

describe('OpenAPI: per service, merged at the gateway, committed as docs/openapi.json', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('each service serves its own OpenAPI 3 document at /openapi.json, without a token', async () => {
    for (const [service, url] of Object.entries(stack.urls)) {
      const res = await request(url).get('/openapi.json').expect(200);
      const doc = res.body as Document & { openapi: string; info: { title: string } };
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.info.title).toContain(service);
      expect(doc.components.securitySchemes).toHaveProperty('bearer');
      expect(doc.components.schemas).toHaveProperty('Problem');
      expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/'))).toBe(true);
    }
  });

  it('the gateway merges them at /docs-json and serves Swagger UI at /docs', async () => {
    const res = await request(stack.gatewayUrl).get('/docs-json').expect(200);
    expect(res.headers['x-openapi-incomplete']).toBeUndefined();
    const doc = res.body as Document;
    const paths = Object.keys(doc.paths);
    for (const prefix of ['/api/recommendations', '/api/commitments', '/api/tracker'])
      expect(paths.some((p) => p.startsWith(prefix))).toBe(true);
    expect(paths).not.toContain('/metrics');
    const ui = await request(stack.gatewayUrl).get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('every operation documents its problem+json errors; protected ones need a bearer token', async () => {
    const doc = (await request(stack.gatewayUrl).get('/docs-json')).body as Document;
    for (const [p, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${p}`;
        expect({ where, has500: '500' in op.responses }).toEqual({ where, has500: true });
        if (p.startsWith('/api/')) {
          expect({ where, public: JSON.stringify(op.security) === '[]' }).toEqual({ where, public: false });
          expect({ where, has401: '401' in op.responses }).toEqual({ where, has401: true });
        }
        if (method === 'post')
          expect(op.parameters).toEqual(
            expect.arrayContaining([{ $ref: '#/components/parameters/IdempotencyKey' }]),
          );
      }
    expect(doc.components.responses).toHaveProperty('Problem401', {
      description: expect.any(String) as unknown,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
  });

  it('every operation documents its 2xx answers, each JSON body with a schema strict enough to check', async () => {
    const doc = (await request(stack.gatewayUrl).get('/docs-json')).body as Document;
    const loose: string[] = [];
    for (const [p, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${p}`;
        const successes = Object.entries(op.responses).filter(([code]) => code.startsWith('2'));
        expect({ where, successes: successes.length > 0 }).toEqual({ where, successes: true });
        for (const [code, response] of successes) {
          const content = (response as { content?: Record<string, { schema?: JsonSchema }> }).content;
          if (code === '204') {
            expect({ where, code, content }).toEqual({ where, code, content: undefined });
            continue;
          }
          expect({ where, code, documented: Boolean(content && Object.keys(content).length) }).toEqual({
            where,
            code,
            documented: true,
          });
          const json = content?.['application/json']?.schema;
          if (!json) continue;
          // An object with required fields (or an array of them): a body missing a field fails the check.
          const object = json.type === 'array' ? json.items : json;
          const variants = object?.oneOf ?? object?.anyOf ?? [object];
          if (variants.some((v) => v?.type !== 'object' || !v.required?.length))
            loose.push(`${where} ${code}`);
        }
        // 504: the gateway's answer when a service does not answer in time.
        if (p.startsWith('/api/'))
          expect({ where, has504: '504' in op.responses }).toEqual({ where, has504: true });
      }
    expect(loose).toEqual([]);
  });

  it('declares each header once, If-Match as a quoted ETag; a body the API refuses is refused by the schema too', async () => {
    const doc = (await request(stack.gatewayUrl).get('/docs-json')).body as Document;
    const shared = doc.components.parameters as Record<string, { name: string; in: string }>;
    for (const [p, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        const headers = (op.parameters ?? [])
          .map((param) => ('$ref' in param ? shared[param.$ref.split('/').pop() ?? ''] : param))
          .filter((param) => param?.in === 'header')
          .map((param) => param!.name.toLowerCase());
        const where = `${method.toUpperCase()} ${p}`;
        expect({ where, headers }).toEqual({ where, headers: [...new Set(headers)] });
      }
    const pattern = new RegExp((shared.IfMatch as unknown as { schema: { pattern: string } }).schema.pattern);
    expect(['"3"', 'W/"3"'].map((v) => pattern.test(v))).toEqual([true, true]);
    expect(['3', '*', '"abc"', '"1", "2"', '""'].map((v) => pattern.test(v))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    const tags = doc.paths['/api/recommendations/{id}/tags']?.patch as unknown as {
      requestBody: { content: { 'application/json': { schema: JsonSchema } } };
    };
    expect(tags.requestBody.content['application/json'].schema.minProperties).toBe(1);
  });

  it('real answers pass the committed schemas; the same answers with a field missing or mistyped fail them', async () => {
    const contract = new ResponseContract(
      JSON.parse(fs.readFileSync(COMMITTED, 'utf8')) as ConstructorParameters<typeof ResponseContract>[0],
    );
    const auth = `Bearer ${stack.token('secretariat')}`;
    const created = await request(stack.gatewayUrl)
      .post('/api/recommendations')
      .set('Authorization', auth)
      .send(gbvLawRequest('openapi-contract-check'))
      .expect((r) => expect([200, 201]).toContain(r.status));
    const id = (created.body as { recommendationId: string }).recommendationId;
    await waitForTrackerRow(stack.gatewayUrl, auth, id);
    const cases: [operation: string, path: string, required: string][] = [
      ['GET /api/recommendations/{id}', `/api/recommendations/${id}`, 'recommendationId'],
      ['GET /api/recommendations', '/api/recommendations?limit=5', 'items'],
      ['GET /api/tracker/items/{id}', `/api/tracker/items/${id}`, 'itemId'],
      ['GET /api/dashboard', '/api/dashboard', 'totals'],
    ];
    for (const [operation, path, field] of cases) {
      const res = await request(stack.gatewayUrl).get(path).set('Authorization', auth).expect(200);
      const answer = { status: res.status, contentType: String(res.headers['content-type']) };
      const body = res.body as Record<string, unknown>;
      expect({ operation, why: contract.violation(operation, { ...answer, body: res.text }) }).toEqual({
        operation,
        why: null,
      });
      const { [field]: _dropped, ...missing } = body;
      expect(contract.violation(operation, { ...answer, body: JSON.stringify(missing) })).toMatch(
        new RegExp(`must have required property '${field}'`),
      );
      expect(
        contract.violation(operation, { ...answer, body: JSON.stringify({ ...body, [field]: 42 }) }),
      ).toMatch(/does not match the documented schema/);
      expect(contract.violation(operation, { ...answer, status: 201, body: res.text })).toMatch(
        /status 201 is not documented/,
      );
    }
  });

  it('docs/openapi.json equals what the running gateway serves (run `npm run openapi` after API changes)', async () => {
    const served = (await request(stack.gatewayUrl).get('/docs-json').expect(200)).body as unknown;
    const committed = JSON.parse(fs.readFileSync(COMMITTED, 'utf8')) as unknown;
    expect(sortKeysDeep(served)).toEqual(committed);
    expect(fs.readFileSync(COMMITTED, 'utf8')).toBe(`${JSON.stringify(sortKeysDeep(served), null, 2)}\n`);
  });

  it('with a service down the gateway still serves what it has, and says what is missing', async () => {
    const partial = await stack.startGateway({ COMMITMENTS_URL: 'http://127.0.0.1:9' });
    const res = await request(partial).get('/docs-json').expect(200);
    expect(res.headers['x-openapi-incomplete']).toBe('commitments');
    const doc = res.body as Document & { 'x-tracker-unavailable': string[]; info: { description: string } };
    expect(doc['x-tracker-unavailable']).toEqual(['commitments']);
    expect(doc.info.description).toContain('INCOMPLETE: commitments');
    const paths = Object.keys(doc.paths);
    expect(paths.some((p) => p.startsWith('/api/commitments'))).toBe(false);
    expect(paths.some((p) => p.startsWith('/api/recommendations'))).toBe(true);
  });
});
