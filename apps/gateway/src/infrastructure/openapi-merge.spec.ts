import type { OpenAPIObject } from '@nestjs/swagger';
import { mergeOpenApi } from './openapi-merge';
import type { Route } from './routes';

const routes: Route[] = [
  { prefix: '/api/recommendations', upstream: 'http://r', service: 'recommendations' },
  { prefix: '/api/commitments', upstream: 'http://c', service: 'commitments' },
];
const doc = (paths: Record<string, unknown>, schemas: Record<string, unknown> = {}): OpenAPIObject =>
  ({
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  }) as OpenAPIObject;
const op = (ref?: string): unknown => ({
  get: { responses: { '200': { description: 'ok', ...(ref ? { $ref: ref } : {}) } } },
});

describe(mergeOpenApi.name, () => {
  const gateway = doc({ '/health': op() });

  it('keeps only the paths the gateway routes to each service, plus its own', () => {
    const merged = mergeOpenApi(
      gateway,
      [
        {
          service: 'recommendations',
          document: doc({ '/api/recommendations': op(), '/health': op(), '/metrics': op() }),
        },
        {
          service: 'commitments',
          document: doc({ '/api/commitments/{id}': op(), '/api/recommendations/x': op() }),
        },
      ],
      routes,
    );
    expect(Object.keys(merged.paths)).toEqual(['/api/commitments/{id}', '/api/recommendations', '/health']);
    expect(merged.tags).toEqual([{ name: 'commitments' }, { name: 'gateway' }, { name: 'recommendations' }]);
    expect(merged).not.toHaveProperty('x-tracker-unavailable');
  });

  it('shares identical components and prefixes clashing ones, rewriting references', () => {
    const merged = mergeOpenApi(
      gateway,
      [
        {
          service: 'recommendations',
          document: doc(
            { '/api/recommendations': op('#/components/schemas/Item') },
            { Item: { type: 'string' }, Same: { type: 'integer' } },
          ),
        },
        {
          service: 'commitments',
          document: doc(
            { '/api/commitments': op('#/components/schemas/Item') },
            { Item: { type: 'number' }, Same: { type: 'integer' } },
          ),
        },
      ],
      routes,
    );
    expect(merged.components?.schemas).toEqual({
      Item: { type: 'number' },
      'recommendations.Item': { type: 'string' },
      Same: { type: 'integer' },
    });
    expect(JSON.stringify(merged.paths['/api/recommendations'])).toContain(
      '#/components/schemas/recommendations.Item',
    );
    expect(JSON.stringify(merged.paths['/api/commitments'])).toContain('"#/components/schemas/Item"');
  });

  it('exposes a rewritten prefix under its gateway path and leaves out routes the gateway answers itself', () => {
    const withAudit = [
      ...routes,
      {
        prefix: '/api/audit/commitments',
        upstream: 'http://c',
        service: 'commitments',
        rewriteTo: '/api/audit',
      },
      { prefix: '/api/audit/timeline', upstream: 'http://g', service: 'gateway', local: true },
    ];
    const merged = mergeOpenApi(
      gateway,
      [{ service: 'commitments', document: doc({ '/api/audit/events': op(), '/api/commitments': op() }) }],
      withAudit,
    );
    expect(Object.keys(merged.paths)).toEqual([
      '/api/audit/commitments/events',
      '/api/commitments',
      '/health',
    ]);
  });

  it('says which services are missing', () => {
    const merged = mergeOpenApi(gateway, [{ service: 'commitments', document: null }], routes);
    expect(merged).toMatchObject({ 'x-tracker-unavailable': ['commitments'] });
    expect(merged.info.description).toContain('INCOMPLETE: commitments did not answer');
  });

  it('is deterministic: same inputs, same bytes, keys sorted', () => {
    const services = [{ service: 'recommendations', document: doc({ '/api/recommendations': op() }) }];
    const a = JSON.stringify(mergeOpenApi(gateway, services, routes));
    expect(JSON.stringify(mergeOpenApi(gateway, [...services].reverse(), routes))).toBe(a);
    expect(Object.keys(JSON.parse(a) as object)).toEqual([...Object.keys(JSON.parse(a) as object)].sort());
  });
});
