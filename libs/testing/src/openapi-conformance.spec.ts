import { ResponseContract, type ContractDocument } from './openapi-conformance';

const PROBLEM = 'application/problem+json';

const doc: ContractDocument = {
  paths: {
    '/api/things/{id}': {
      get: {
        responses: {
          '200': {
            description: 'the thing',
            headers: { ETag: { $ref: '#/components/headers/ETag' } },
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['thingId', 'version', 'dueDate', 'note'],
                  properties: {
                    thingId: { type: 'string', format: 'uuid' },
                    version: { type: 'integer', minimum: 1 },
                    dueDate: { type: 'string', format: 'date' },
                    note: { type: 'string', nullable: true },
                    score: { type: 'number', minimum: 0, exclusiveMinimum: true },
                  },
                },
              },
            },
          },
          '404': { $ref: '#/components/responses/Problem404' },
        },
      },
      delete: { responses: { '204': { description: 'gone' } } },
    },
    '/api/things/export': {
      get: { responses: { '200': { description: 'csv', content: { 'text/csv': {} } } } },
    },
  },
  components: {
    headers: { ETag: { required: true, schema: { type: 'string', pattern: '^"[0-9]+"$' } } },
    responses: {
      Problem404: {
        description: 'no such thing',
        content: { [PROBLEM]: { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status'],
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' } },
      },
    },
  },
};

const thing = {
  thingId: '0190d4c8-0000-7000-8000-000000000000',
  version: 3,
  dueDate: '2030-05-02',
  note: null,
};
const json = (status: number, body: unknown, contentType = 'application/json; charset=utf-8') => ({
  status,
  contentType,
  body: JSON.stringify(body),
});

describe(ResponseContract.name, () => {
  const sut = new ResponseContract(doc);
  const GET = 'GET /api/things/{id}';

  it('passes an answer the document describes (extra fields, nullable, a problem by reference)', () => {
    expect(sut.violation(GET, json(200, { ...thing, statusLabel: 'Open' }))).toBeNull();
    expect(sut.violation(GET, json(200, { ...thing, note: 'n', score: 0.5 }))).toBeNull();
    expect(
      sut.violation(GET, json(404, { type: 'about:blank', title: 'Not Found', status: 404 }, PROBLEM)),
    ).toBeNull();
    expect(sut.violation('DELETE /api/things/{id}', { status: 204, contentType: '', body: '' })).toBeNull();
    expect(
      sut.violation('GET /api/things/export', {
        status: 200,
        contentType: 'text/csv; charset=utf-8',
        body: 'a,b',
      }),
    ).toBeNull();
  });

  it('fails a body missing a required field', () => {
    const { version: _v, ...broken } = thing;
    expect(sut.violation(GET, json(200, broken))).toMatch(
      /does not match.*must have required property 'version'/,
    );
  });

  it('fails a body whose field has the wrong type or format', () => {
    expect(sut.violation(GET, json(200, { ...thing, version: '3' }))).toMatch(/\/version must be integer/);
    expect(sut.violation(GET, json(200, { ...thing, dueDate: '2023-02-30' }))).toMatch(
      /\/dueDate must match format/,
    );
    expect(sut.violation(GET, json(200, { ...thing, thingId: 'x' }))).toMatch(
      /\/thingId must match format "uuid"/,
    );
    expect(sut.violation(GET, json(200, { ...thing, score: 0 }))).toMatch(/\/score must be > 0/);
    expect(sut.violation(GET, json(200, [thing]))).toMatch(/must be object/);
  });

  it('fails a problem that is not a problem', () => {
    expect(sut.violation(GET, json(404, { message: 'nope' }, PROBLEM))).toMatch(/required property 'type'/);
  });

  it('fails a status the operation does not document', () => {
    expect(sut.violation(GET, json(201, thing))).toMatch(/status 201 is not documented for GET/);
    expect(sut.violation('POST /api/things/{id}', json(200, thing))).toMatch(/not in the document/);
  });

  it('fails a content-type the status does not document, and a body where none is documented', () => {
    expect(sut.violation(GET, { status: 200, contentType: 'text/html', body: '<p>' })).toMatch(
      /content-type "text\/html" is not documented/,
    );
    expect(sut.violation(GET, json(404, { type: 'x', title: 'y', status: 404 }))).toMatch(/not documented/);
    expect(sut.violation(GET, { status: 200, contentType: 'application/json', body: '{' })).toMatch(
      /not JSON/,
    );
    expect(sut.violation('DELETE /api/things/{id}', json(204, {}))).toMatch(/documents no body/);
  });

  it('fails an answer without a required header, or with one its schema refuses', () => {
    const answer = json(200, thing);
    expect(sut.violation(GET, { ...answer, headers: { etag: '"3"' } })).toBeNull();
    expect(sut.violation(GET, { ...answer, headers: {} })).toMatch(/lacks the documented header ETag/);
    expect(sut.violation(GET, { ...answer, headers: { etag: '3' } })).toMatch(
      /header ETag: "3" must match pattern/,
    );
  });

  it('lists the operations of the document', () => {
    expect(sut.operations().sort()).toEqual([
      'DELETE /api/things/{id}',
      'GET /api/things/export',
      'GET /api/things/{id}',
    ]);
  });
});
