import fc from 'fast-check';
import {
  invalidValue,
  refResolver,
  validValue,
  type JsonSchema,
  type RefResolver,
  type SchemaArbitraryOptions,
} from './json-schema-arbitrary';

/** One generated HTTP request, printable as a curl command when it fails. */
export interface FuzzRequest {
  /** `METHOD /path/{template}` of the operation it was generated from. */
  readonly operation: string;
  readonly method: string;
  /** Path and query string, exactly as sent. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Which Authorization the request carries (a role, or the kind of bad token). */
  readonly auth: string;
}

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: JsonSchema;
  readonly $ref?: string;
}

interface OpenApiOperation {
  readonly operationId?: string;
  /** Roles the operation allows (our extension of the document). */
  readonly 'x-roles'?: readonly string[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: {
    readonly required?: boolean;
    readonly content?: Readonly<Record<string, { readonly schema?: JsonSchema }>>;
    readonly $ref?: string;
  };
}

export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
}

export interface Operation {
  readonly key: string;
  readonly method: string;
  readonly template: string;
  readonly parameters: readonly Parameter[];
  readonly roles: readonly string[];
  readonly body?: { readonly contentType: string; readonly schema: JsonSchema; readonly required: boolean };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Every operation of the document, with parameter $refs resolved and duplicates (same in+name) merged. */
export const operationsOf = (doc: OpenApiDocument): Operation[] => {
  const resolve = refResolver(doc);
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = new Map<string, Parameter>();
      for (const raw of op.parameters ?? []) {
        const p = raw.$ref ? (resolve(raw.$ref) as unknown as Parameter) : raw;
        const id = `${p.in}:${p.name.toLowerCase()}`;
        const before = params.get(id);
        params.set(id, { ...p, required: Boolean(p.required || before?.required) });
      }
      const [contentType, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      out.push({
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        parameters: [...params.values()],
        roles: op['x-roles'] ?? [],
        ...(contentType
          ? {
              body: { contentType, schema: media?.schema ?? {}, required: Boolean(op.requestBody?.required) },
            }
          : {}),
      });
    }
  }
  return out;
};

export interface FuzzContext {
  /** Authorization header values by label; `undefined` sends no header. */
  readonly auth: Readonly<Record<string, string | undefined>>;
  /** Labels of `auth` that are valid tokens (generated more often, so validation gets exercised). */
  readonly validAuth: readonly string[];
  /** Ids and keys of things that exist, by parameter or property name. */
  readonly known: Readonly<Record<string, readonly string[]>>;
}

/** Header values Node's HTTP client accepts (no CR/LF, Latin-1), but otherwise anything. */
const headerText = fc.string({
  unit: fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }))
    .map((c) => String.fromCharCode(c)),
  maxLength: 30,
});

/** Path segments a URL may carry undecoded: broken percent-escapes, dot segments, odd characters. */
const nastySegment = fc.constantFrom(
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%2e%2e',
  '..',
  '.',
  '%2F',
  '~',
  '%F0%9F%98%80',
  'x'.repeat(2000),
  "'%20OR%201=1--",
  '$where',
  '%7B%22$gt%22:%22%22%7D',
);

/** Query keys the services read without documenting them (audit filters, timeline, …). */
const EXTRA_QUERY_KEYS = [
  'stream',
  'type',
  'actor',
  'from',
  'to',
  'after',
  'limit',
  'cursor',
  'mentions',
  'format',
  'asOf',
  'axis',
  'mode',
  'item',
  'lang',
  'q',
  'sort',
  'filters',
] as const;

/** encodeURIComponent that does not throw on lone surrogates (they go out as U+FFFD, like a browser). */
const encode = (s: string): string =>
  [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

const stringify = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

const queryValue = (p: Parameter, opts: SchemaArbitraryOptions): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: validValue(p.schema ?? {}, opts, p.name).map(stringify) },
    { weight: 2, arbitrary: invalidValue(p.schema ?? {}, opts).map(stringify) },
  );

/** `k=v` pairs, percent-encoded; sometimes raw (broken escapes), repeated or in bracket syntax. */
const queryString = (op: Operation, opts: SchemaArbitraryOptions): fc.Arbitrary<string> => {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const pairs = fc.tuple(
    ...declared.map((p) =>
      fc.option(
        queryValue(p, opts).map((v) => `${encode(p.name)}=${encode(v)}`),
        { freq: 2 },
      ),
    ),
  );
  const extras = fc.array(
    fc.oneof(
      fc
        .tuple(
          fc.oneof(fc.constantFrom(...EXTRA_QUERY_KEYS), fc.string({ maxLength: 8 })),
          fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String)),
        )
        .map(([k, v]) => `${encode(k)}=${encode(v)}`),
      fc.constantFrom(
        'limit=1&limit=2',
        'limit[$gt]=0',
        'a[b][c]=d',
        'q=%',
        'q=%zz',
        '=',
        '&&',
        'limit',
        'cursor=%00',
        'theme[]=x&theme[]=y',
      ),
      // Declared keys, repeated: an array where the service expects a string.
      ...declared.map((p) => fc.constant(`${p.name}=1&${p.name}=2`)),
    ),
    { minLength: 1, maxLength: 2 },
  );
  // Undeclared keys are refused by strict query schemas: add them to one request in five only, so the
  // rest get as far as the handler.
  const sometimesExtras = fc.oneof(
    { weight: 4, arbitrary: fc.constant<string[]>([]) },
    { weight: 1, arbitrary: extras },
  );
  return fc.tuple(pairs, sometimesExtras).map(([d, e]) => {
    const all = [...d.filter((x): x is string => x !== null), ...e];
    return all.length ? `?${all.join('&')}` : '';
  });
};

const pathSegment = (
  p: Parameter,
  opts: SchemaArbitraryOptions,
  known: readonly string[],
): fc.Arbitrary<string> => {
  const options: fc.WeightedArbitrary<string>[] = [
    {
      weight: 2,
      arbitrary: validValue(p.schema ?? { type: 'string' }, opts, p.name).map((v) => encode(stringify(v))),
    },
    {
      weight: 1,
      arbitrary: invalidValue(p.schema ?? { type: 'string' }, opts).map((v) => encode(stringify(v)) || '%20'),
    },
    { weight: 1, arbitrary: nastySegment },
  ];
  if (known.length) options.push({ weight: 4, arbitrary: fc.constantFrom(...known.map(encodeURIComponent)) });
  return fc.oneof(...options);
};

const ifMatch = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 6 }).map((v) => `"${v}"`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '*',
      'W/"1"',
      '1',
      '"-1"',
      '"1.5"',
      '"99999999999999999999"',
      '""',
      '"1", "2"',
      '"abc"',
    ),
  },
  { weight: 1, arbitrary: headerText },
);

interface BodyPart {
  readonly body?: string;
  readonly contentType?: string;
}

const json = (v: unknown): string => JSON.stringify(v) ?? 'null';

/** A multipart/form-data body with a `file` field (or a wrong one), by hand so that it can be broken. */
const multipart = (
  opts: SchemaArbitraryOptions,
  createSchema: JsonSchema | undefined,
): fc.Arbitrary<BodyPart> => {
  const line = createSchema
    ? fc.oneof(
        validValue(createSchema, opts).map(json),
        invalidValue(createSchema, opts).map(json),
        fc.string({ maxLength: 30 }),
      )
    : fc.string({ maxLength: 30 });
  const content = fc.oneof(
    fc.array(line, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('\n')),
    fc.constantFrom(
      '',
      'a,b,c\n1,2,3\n',
      'PK\u0003\u0004garbage',
      '\uFEFFSymbol,Recommendation\nA/HRC/1,x\n',
    ),
    fc.string({ unit: 'binary', maxLength: 60 }),
  );
  return fc
    .record({
      boundary: fc.constantFrom('fuzzboundary', 'x', '----WebKitFormBoundary7MA4YWxkTrZu0gW'),
      field: fc.constantFrom('file', 'file', 'file', 'other', ''),
      filename: fc.constantFrom('items.jsonl', 'items.csv', 'items.xlsx', 'noext', '../../x.csv', ''),
      content,
      truncate: fc.constantFrom(false, false, false, true),
      declaredBoundary: fc.constantFrom<string | null>(null, null, null, 'mismatch', ''),
    })
    .map((m) => {
      const part =
        `--${m.boundary}\r\nContent-Disposition: form-data; name="${m.field}"; filename="${m.filename}"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n${m.content}\r\n--${m.boundary}--\r\n`;
      const body = m.truncate ? part.slice(0, Math.floor(part.length / 2)) : part;
      const declared = m.declaredBoundary ?? m.boundary;
      return { body, contentType: `multipart/form-data; boundary=${declared}` };
    });
};

const OVERSIZE = json({ text: { en: 'x'.repeat(300 * 1024) } });

const jsonBody = (
  schema: JsonSchema,
  opts: SchemaArbitraryOptions,
  required: boolean,
): fc.Arbitrary<BodyPart> =>
  fc.oneof(
    {
      weight: 20,
      arbitrary: validValue(schema, opts).map((v) => ({ body: json(v), contentType: 'application/json' })),
    },
    {
      weight: 20,
      arbitrary: invalidValue(schema, opts).map((v) => ({ body: json(v), contentType: 'application/json' })),
    },
    {
      weight: 4,
      arbitrary: fc
        .jsonValue({ maxDepth: 3 })
        .map((v) => ({ body: json(v), contentType: 'application/json' })),
    },
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(
          '{',
          '{"a":',
          '[1,2',
          'nul',
          '{"a":1}}',
          "{'a':1}",
          '\uFEFF{}',
          '{"a":"\\ud800"}',
          '1e999999',
          '"x"',
          '',
          '{"__proto__":{"polluted":1}}',
        )
        .map((body) => ({ body, contentType: 'application/json' })),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          validValue(schema, opts).map(json),
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'application/x-www-form-urlencoded',
            'application/json; charset=latin1',
            'application/json; charset=utf-16',
            'application/merge-patch+json',
            'multipart/form-data',
            undefined,
          ),
        )
        .map(([body, contentType]) => (contentType ? { body, contentType } : { body })),
    },
    { weight: required ? 4 : 8, arbitrary: fc.constant<BodyPart>({}) },
    { weight: 1, arbitrary: fc.constant<BodyPart>({ body: OVERSIZE, contentType: 'application/json' }) },
  );

const noBody: fc.Arbitrary<BodyPart> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<BodyPart>({}) },
  {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => ({ body: json(v), contentType: 'application/json' })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{', 'garbage').map((body) => ({ body, contentType: 'application/json' })),
  },
);

/** Requests for one operation: every parameter, header and body valid or broken, with any token. */
export const requestFor = (
  op: Operation,
  ctx: FuzzContext,
  resolve: RefResolver,
  createRecommendation?: JsonSchema,
): fc.Arbitrary<FuzzRequest> => {
  const opts: SchemaArbitraryOptions = { resolve, known: ctx.known };
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const header = (name: string): Parameter | undefined =>
    op.parameters.find((p) => p.in === 'header' && p.name.toLowerCase() === name.toLowerCase());
  const segments = fc.tuple(...pathParams.map((p) => pathSegment(p, opts, ctx.known[p.name] ?? [])));
  const invalidAuth = Object.keys(ctx.auth).filter((k) => !ctx.validAuth.includes(k));
  // Mostly a role the operation allows, so requests get past the role check into validation and the
  // domain; sometimes any role (403s); sometimes a bad token (401s).
  const permitted = ctx.validAuth.filter((label) => op.roles.some((role) => label.startsWith(role)));
  const allowed = permitted.length ? permitted : ctx.validAuth;
  const auth = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...allowed) },
    { weight: 2, arbitrary: fc.constantFrom(...ctx.validAuth) },
    { weight: 1, arbitrary: fc.constantFrom(...invalidAuth) },
  );
  const body: fc.Arbitrary<BodyPart> = !op.body
    ? noBody
    : op.body.contentType.startsWith('multipart/')
      ? fc.oneof(
          { weight: 4, arbitrary: multipart(opts, createRecommendation) },
          { weight: 1, arbitrary: jsonBody(op.body.schema, opts, op.body.required) },
        )
      : jsonBody(op.body.schema, opts, op.body.required);
  const idempotency = header('Idempotency-Key');
  const correlation = header('X-Correlation-Id');
  return fc
    .record({
      segments,
      query: queryString(op, opts),
      auth,
      body,
      ifMatch: header('If-Match') ? fc.option(ifMatch, { freq: 6 }) : fc.constant(null),
      idempotencyKey: idempotency
        ? fc.option(
            fc.oneof(
              { weight: 4, arbitrary: validValue(idempotency.schema ?? {}, opts).map(stringify) },
              { weight: 1, arbitrary: headerText },
              { weight: 1, arbitrary: fc.constant('k'.repeat(300)) },
            ),
            { freq: 2 },
          )
        : fc.constant(null),
      correlationId: correlation
        ? fc.option(
            fc.oneof(
              { weight: 4, arbitrary: validValue(correlation.schema ?? {}, opts).map(stringify) },
              { weight: 1, arbitrary: headerText },
            ),
            {
              freq: 2,
            },
          )
        : fc.constant(null),
      acceptLanguage: fc.option(
        fc.oneof(fc.constantFrom('fr', 'en', 'fr-ML, en;q=0.5', '*', 'bm'), headerText),
        { freq: 2 },
      ),
      accept: fc.option(
        fc.constantFrom(
          'application/json',
          'text/html',
          '*/*',
          'application/problem+json',
          'text/plain',
          'application/x-ndjson',
          'image/png',
        ),
        { freq: 2 },
      ),
      method: fc.oneof(
        { weight: 19, arbitrary: fc.constant(op.method) },
        { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
      ),
    })
    .map((r): FuzzRequest => {
      let i = 0;
      const path = op.template.replace(/\{[^}]+\}/g, () => r.segments[i++] ?? '');
      const headers: Record<string, string> = {};
      const authorization = ctx.auth[r.auth];
      if (authorization !== undefined) headers.authorization = authorization;
      if (r.body.contentType) headers['content-type'] = r.body.contentType;
      if (r.ifMatch !== null) headers['if-match'] = r.ifMatch;
      if (r.idempotencyKey !== null) headers['idempotency-key'] = r.idempotencyKey;
      if (r.correlationId !== null) headers['x-correlation-id'] = r.correlationId;
      if (r.acceptLanguage !== null) headers['accept-language'] = r.acceptLanguage;
      if (r.accept !== null) headers.accept = r.accept;
      return {
        operation: op.key,
        method: r.method,
        path: `${path}${r.query}`,
        headers,
        ...(r.body.body !== undefined ? { body: r.body.body } : {}),
        auth: r.auth,
      };
    });
};

/** Paths that are in no document: the gateway and the services must still answer problem+json. */
export const strayRequest = (ctx: FuzzContext): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({
      path: fc.oneof(
        fc.constantFrom(
          '/api',
          '/api/',
          '/api/nothing-here',
          '/api/recommendations/x/y/z',
          '/api/audit/timeline',
          '/api/audit/unknown-service/events',
          '/api/commitments/%',
          '/api//commitments',
        ),
        fc.stringMatching(/^\/api\/[a-z/]{0,30}$/),
        fc.constantFrom(...(ctx.known.id ?? ['x'])).map((id) => `/api/audit/timeline?item=${encode(id)}`),
      ),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
      auth: fc.constantFrom(...Object.keys(ctx.auth)),
    })
    .map((r): FuzzRequest => {
      const authorization = ctx.auth[r.auth];
      return {
        operation: 'stray path',
        method: r.method,
        path: r.path,
        headers: authorization !== undefined ? { authorization } : {},
        auth: r.auth,
      };
    });

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The request as a curl command (tokens and long bodies abbreviated), for failure messages. */
export const renderRequest = (req: FuzzRequest, baseUrl = 'http://127.0.0.1:3000'): string => {
  const parts = [`curl -X ${req.method} ${shellQuote(baseUrl + req.path)}`];
  for (const [k, v] of Object.entries(req.headers))
    parts.push(`-H ${shellQuote(`${k}: ${k === 'authorization' ? `<${req.auth} token>` : v}`)}`);
  if (req.body !== undefined)
    parts.push(
      `--data-binary ${shellQuote(req.body.length > 1500 ? `${req.body.slice(0, 1500)}… (${req.body.length} chars)` : req.body)}`,
    );
  return `# ${req.operation} (auth: ${req.auth})\n${parts.join(' \\\n  ')}`;
};
