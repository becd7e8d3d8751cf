import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { sortKeysDeep } from '@tracker/platform';
import { startStack, type Stack } from '../support/stack';

const COMMITTED = path.resolve(__dirname, '..', '..', 'docs', 'openapi.json');

interface Operation {
  security?: unknown[];
  responses: Record<string, unknown>;
  parameters?: ({ $ref: string } | { name: string; in: string })[];
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
