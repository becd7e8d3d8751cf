import fc from 'fast-check';

/**
 * The subset of JSON Schema (2020-12, as zod and @nestjs/swagger emit it) that docs/openapi.json uses:
 * type, enum, const, anyOf/oneOf, nullable, properties/required/additionalProperties, items with
 * min/maxItems, min/maxLength, pattern, format, minimum/maximum, $ref into the document.
 */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly nullable?: boolean;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
}

/** Resolves `#/a/b/c` pointers against the document the schemas come from. */
export type RefResolver = (ref: string) => JsonSchema;

export const refResolver =
  (document: unknown): RefResolver =>
  (ref) => {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
    let node: unknown = document;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
    if (typeof node !== 'object' || node === null) throw new Error(`unresolved $ref ${ref}`);
    return node;
  };

/** Generated strings stay short (long ones only slow the run down); edge lengths come from `invalid`. */
const MAX_STRING = 24;
const MAX_ITEMS = 4;

/**
 * Any code point, lone surrogates included (what a careless client really sends). Built from integers:
 * fast-check's own grapheme and binary units take seconds to set up.
 */
const anyChar = fc
  .oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }) },
    { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0x10ffff }) },
    { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }) },
  )
  .map((c) => (c >= 0xd800 && c <= 0xdfff ? String.fromCharCode(c) : String.fromCodePoint(c)));

const anyText = (constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string(constraints) },
    { weight: 2, arbitrary: fc.string({ ...constraints, unit: anyChar }) },
  );

/** URLs that never leave the machine: subscriptions made by the fuzzer must not call the internet. */
const localUrl = fc
  .tuple(fc.constantFrom('http', 'https'), fc.stringMatching(/^[a-z0-9/_-]{0,20}$/))
  .map(([scheme, path]) => `${scheme}://127.0.0.1:9/${path}`);

const isoDate = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const isoDateTime = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

const typesOf = (s: JsonSchema): string[] => {
  const t = s.type === undefined ? [] : typeof s.type === 'string' ? [s.type] : [...s.type];
  return s.nullable ? [...t, 'null'] : t;
};

export interface SchemaArbitraryOptions {
  readonly resolve: RefResolver;
  /** Extra values a property of this name may take (ids of seeded aggregates, …). */
  readonly known?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Values that satisfy the schema (as far as JSON Schema can say: refinements such as "institutions must
 * not repeat" live only in zod, so some of these still get a 400 — which is fine for a fuzzer).
 */
/** Arbitraries are built once per (schema, property name): invalidValue builds validValue of every level. */
const memo = <A extends unknown[]>(
  build: (schema: JsonSchema, opts: SchemaArbitraryOptions, ...rest: A) => fc.Arbitrary<unknown>,
): ((schema: JsonSchema, opts: SchemaArbitraryOptions, ...rest: A) => fc.Arbitrary<unknown>) => {
  const cache = new WeakMap<
    SchemaArbitraryOptions,
    WeakMap<JsonSchema, Map<string, fc.Arbitrary<unknown>>>
  >();
  return (schema, opts, ...rest) => {
    let bySchema = cache.get(opts);
    if (!bySchema)
      cache.set(opts, (bySchema = new WeakMap<JsonSchema, Map<string, fc.Arbitrary<unknown>>>()));
    let byRest = bySchema.get(schema);
    if (!byRest) bySchema.set(schema, (byRest = new Map<string, fc.Arbitrary<unknown>>()));
    const key = JSON.stringify(rest);
    let arb = byRest.get(key);
    if (!arb) byRest.set(key, (arb = build(schema, opts, ...rest)));
    return arb;
  };
};

const matching = new Map<string, fc.Arbitrary<string>>();
const stringMatching = (pattern: string): fc.Arbitrary<string> => {
  let arb = matching.get(pattern);
  if (!arb) matching.set(pattern, (arb = fc.stringMatching(new RegExp(pattern))));
  return arb;
};

export const validValue: (
  schema: JsonSchema,
  opts: SchemaArbitraryOptions,
  name?: string,
) => fc.Arbitrary<unknown> = memo(
  (schema: JsonSchema, opts: SchemaArbitraryOptions, name = ''): fc.Arbitrary<unknown> => {
    if (schema.$ref) return validValue(opts.resolve(schema.$ref), opts, name);
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives) return fc.oneof(...alternatives.map((a) => validValue(a, opts, name)));
    if (schema.allOf?.length === 1 && schema.allOf[0]) return validValue(schema.allOf[0], opts, name);
    const types = typesOf(schema);
    if (types.length > 1)
      return fc.oneof(...types.map((type) => validValue({ ...schema, type, nullable: false }, opts, name)));
    const known = opts.known?.[name];
    switch (types[0]) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.integer({
          min: Math.max(schema.minimum ?? -1000, Number.MIN_SAFE_INTEGER),
          max: Math.min(schema.maximum ?? 1000, Number.MAX_SAFE_INTEGER),
        });
      case 'number':
        return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
      case 'string': {
        const fitting = (arb: fc.Arbitrary<string>): fc.Arbitrary<string> =>
          arb.filter(
            (s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity),
          );
        let arb: fc.Arbitrary<string>;
        if (schema.format === 'uuid') arb = fc.uuid({ version: [4, 7] });
        else if (schema.format === 'date') arb = isoDate;
        else if (schema.format === 'date-time') arb = isoDateTime;
        else if (schema.format === 'uri') arb = localUrl;
        else if (schema.pattern) arb = fitting(stringMatching(schema.pattern));
        else {
          const minLength = schema.minLength ?? 0;
          arb = anyText({
            minLength,
            maxLength: Math.max(minLength, Math.min(schema.maxLength ?? MAX_STRING, MAX_STRING)),
          });
        }
        return known?.length ? fc.oneof(fc.constantFrom(...known), arb) : arb;
      }
      case 'array': {
        const minLength = schema.minItems ?? 0;
        const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? MAX_ITEMS, MAX_ITEMS));
        return fc.array(validValue(schema.items ?? {}, opts, name), { minLength, maxLength });
      }
      case 'object':
      default: {
        if (!schema.properties) {
          return types[0] === 'object'
            ? fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }))
            : fc.jsonValue({ maxDepth: 2 });
        }
        const model: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [key, prop] of Object.entries(schema.properties)) model[key] = validValue(prop, opts, key);
        return fc.record(model, { requiredKeys: [...(schema.required ?? [])] });
      }
    }
  },
);

/** A value of another JSON type than the schema asks for. */
const wrongType = (schema: JsonSchema): fc.Arbitrary<unknown> => {
  const types = typesOf(schema);
  const candidates: fc.Arbitrary<unknown>[] = [];
  if (!types.includes('string')) candidates.push(anyText({ maxLength: 12 }));
  if (!types.includes('integer') && !types.includes('number'))
    candidates.push(
      fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2)),
    );
  if (!types.includes('boolean')) candidates.push(fc.boolean());
  if (!types.includes('null')) candidates.push(fc.constant(null));
  if (!types.includes('array')) candidates.push(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }));
  if (!types.includes('object'))
    candidates.push(
      fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    );
  return fc.oneof(...candidates);
};

/** Strings that break the string's own rules: too short, too long, off-pattern, off-format. */
const badString = (schema: JsonSchema): fc.Arbitrary<string> => {
  const bad: fc.Arbitrary<string>[] = [
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'null',
      '../../etc/passwd',
      '{"$gt":""}',
      '$where',
      'a.b',
      '%00',
      '\u202e',
      '😀'.repeat(3),
    ),
    anyText({ maxLength: 40 }),
  ];
  if (schema.maxLength !== undefined && schema.maxLength < 50_000)
    bad.push(fc.constant('x'.repeat(schema.maxLength + 1)));
  if (schema.minLength !== undefined && schema.minLength > 1)
    bad.push(fc.constant('x'.repeat(schema.minLength - 1)));
  if (schema.format === 'date' || schema.format === 'date-time' || schema.pattern?.includes('\\d{4}'))
    bad.push(
      fc.constantFrom(
        '2023-02-29',
        '2023-13-01',
        '0000-00-00',
        '2024-02-30T25:00:00Z',
        '99999-01-01',
        '2024-1-1',
        'yesterday',
      ),
    );
  if (schema.format === 'uuid')
    bad.push(
      fc.constantFrom(
        'not-a-uuid',
        '0190d4c8-0000-7000-8000-00000000000',
        'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
      ),
    );
  if (schema.format === 'uri')
    bad.push(
      fc.constantFrom('javascript:alert(1)', 'ftp://127.0.0.1/x', 'http://', '//x', 'file:///etc/passwd'),
    );
  return fc.oneof(...bad);
};

/**
 * Values that break the schema somewhere: a wrong type at the root or deep inside, a missing required
 * property, an unknown property, a number out of range, a string out of bounds.
 */
export const invalidValue: (
  schema: JsonSchema,
  opts: SchemaArbitraryOptions,
  depth?: number,
) => fc.Arbitrary<unknown> = memo(
  (schema: JsonSchema, opts: SchemaArbitraryOptions, depth = 0): fc.Arbitrary<unknown> => {
    if (schema.$ref) return invalidValue(opts.resolve(schema.$ref), opts, depth);
    if (depth > 4) return wrongType(schema);
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives) {
      // Something no alternative accepts is hard to know in general; a wrong-typed or a broken first
      // alternative is good enough.
      return fc.oneof(
        wrongType({ type: alternatives.flatMap(typesOf) }),
        invalidValue(alternatives[0] ?? {}, opts, depth + 1),
      );
    }
    if (schema.enum)
      return fc.oneof(fc.constantFrom('', 'unknown-value', 'SUPPORTED', ' supported'), wrongType(schema));
    const types = typesOf(schema);
    switch (types.find((t) => t !== 'null')) {
      case 'integer':
      case 'number': {
        const out: fc.Arbitrary<unknown>[] = [
          wrongType(schema),
          fc.constantFrom(0.5, -1, 1e21, Number.MAX_SAFE_INTEGER + 2),
        ];
        if (schema.minimum !== undefined) out.push(fc.constant(schema.minimum - 1));
        if (schema.maximum !== undefined) out.push(fc.constant(schema.maximum + 1));
        return fc.oneof(...out);
      }
      case 'string':
        return fc.oneof(wrongType(schema), badString(schema));
      case 'boolean':
        return fc.oneof(wrongType(schema), fc.constantFrom('true', 'yes', 0, 1));
      case 'array': {
        const out: fc.Arbitrary<unknown>[] = [
          wrongType(schema),
          fc
            .tuple(
              fc.array(validValue(schema.items ?? {}, opts), { maxLength: 2 }),
              invalidValue(schema.items ?? {}, opts, depth + 1),
            )
            .map(([ok, bad]) => [...ok, bad]),
        ];
        if (schema.minItems) out.push(fc.constant([]));
        if (schema.maxItems !== undefined && schema.maxItems < 500)
          out.push(
            validValue(schema.items ?? {}, opts).map((v) =>
              Array.from({ length: (schema.maxItems ?? 0) + 1 }, () => v),
            ),
          );
        return fc.oneof(...out);
      }
      case 'object': {
        const props = Object.entries(schema.properties ?? {});
        if (props.length === 0) return wrongType(schema);
        const valid = validValue(schema, opts) as fc.Arbitrary<Record<string, unknown>>;
        const out: fc.Arbitrary<unknown>[] = [
          wrongType(schema),
          // One property broken.
          fc
            .tuple(
              valid,
              fc.oneof(
                ...props.map(([k, p]) => invalidValue(p, opts, depth + 1).map((v) => [k, v] as const)),
              ),
            )
            .map(([o, [k, v]]) => ({ ...o, [k]: v })),
          // An unknown property (strict objects reject it), or a prototype-pollution attempt.
          fc
            .tuple(
              valid,
              fc.constantFrom('unknownField', '__proto__', 'constructor', '$set', 'a.b', ''),
              fc.jsonValue({ maxDepth: 1 }),
            )
            .map(
              ([o, k, v]) =>
                JSON.parse(
                  JSON.stringify({ ...o, [k === '__proto__' ? '__proto__x' : k]: v }).replace(
                    '"__proto__x"',
                    '"__proto__"',
                  ),
                ) as unknown,
            ),
        ];
        const required = schema.required ?? [];
        if (required.length > 0)
          out.push(
            fc.tuple(valid, fc.constantFrom(...required)).map(([o, k]) => {
              const { [k]: _dropped, ...rest } = o;
              return rest;
            }),
          );
        return fc.oneof(...out);
      }
      default:
        return wrongType(schema);
    }
  },
);
