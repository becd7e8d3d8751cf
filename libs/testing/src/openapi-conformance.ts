import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** An answer as a client read it. */
export interface ObservedResponse {
  readonly status: number;
  /** The Content-Type header, parameters included ('' when none). */
  readonly contentType: string;
  readonly body: string;
  /** The response headers, names in lower case (as Node gives them); unchecked when absent. */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
}

type Json = Record<string, unknown>;

interface MediaType {
  readonly schema?: Json;
}
interface HeaderObject {
  readonly $ref?: string;
  readonly required?: boolean;
  readonly schema?: Json;
}
interface ResponseObject {
  readonly description?: string;
  readonly headers?: Readonly<Record<string, HeaderObject>>;
  readonly content?: Readonly<Record<string, MediaType>>;
  readonly $ref?: string;
}
interface OperationObject {
  readonly responses?: Readonly<Record<string, ResponseObject>>;
}
export interface ContractDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OperationObject>>>>;
  readonly components?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

const mediaTypeOf = (contentType: string): string => contentType.split(';')[0]!.trim().toLowerCase();

const isJson = (mediaType: string): boolean =>
  mediaType === 'application/json' || mediaType.endsWith('+json');

/** A documented media type (`text/*`, `*\/*` included) that covers the one answered. */
const covers = (documented: string, answered: string): boolean => {
  const d = documented.toLowerCase();
  if (d === '*/*' || d === answered) return true;
  return d.endsWith('/*') && answered.startsWith(d.slice(0, -1));
};

/**
 * The OpenAPI 3.0 dialect made plain JSON Schema for Ajv: `#/components/...` references inlined,
 * `nullable: true` as `anyOf [..., null]`, draft-4 boolean `exclusiveMinimum`/`exclusiveMaximum` as numbers.
 */
const toJsonSchema = (doc: ContractDocument, value: unknown, seen: readonly string[] = []): unknown => {
  if (Array.isArray(value)) return value.map((v) => toJsonSchema(doc, v, seen));
  if (!isObject(value)) return value;
  const ref = value.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/')) {
    if (seen.includes(ref)) return {}; // a cycle: checked one level deep only
    const [kind, name] = ref.slice('#/components/'.length).split('/');
    const target = doc.components?.[kind ?? '']?.[name ?? ''];
    if (target === undefined) throw new Error(`unresolved reference ${ref}`);
    return toJsonSchema(doc, target, [...seen, ref]);
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'nullable' || k === 'example' || k === 'examples') continue;
    out[k] =
      k === 'properties' && isObject(v)
        ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(doc, s, seen)]))
        : toJsonSchema(doc, v, seen);
  }
  for (const [bound, limit] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[bound] === 'boolean') {
      if (out[bound] === true) out[bound] = out[limit];
      else delete out[bound];
      if (out[bound] !== undefined) delete out[limit];
    }
  }
  return value.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * Checks answers against an OpenAPI document: the status is one the operation documents, the
 * Content-Type one that status documents (no body where it documents none), and a JSON body is valid
 * against the documented schema. Schemas are compiled once per operation, status and media type.
 */
export class ResponseContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly responses = new Map<string, ResponseObject>();

  constructor(private readonly doc: ContractDocument) {
    addFormats(this.ajv);
  }

  /** Operation keys (`GET /api/x/{id}`) the document has. */
  operations(): string[] {
    return Object.entries(this.doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
  }

  /** Why the answer to `operation` (`METHOD /template`) breaks the document, or null. */
  violation(operation: string, res: ObservedResponse): string | null {
    const space = operation.indexOf(' ');
    const method = operation.slice(0, space).toLowerCase();
    const template = operation.slice(space + 1);
    const op = this.doc.paths[template]?.[method];
    if (!op) return `${operation} is not in the document`;
    const responses = op.responses ?? {};
    const code = String(res.status);
    const key = [code, `${code[0]}XX`, 'default'].find((k) => responses[k] !== undefined);
    if (key === undefined)
      return `status ${res.status} is not documented for ${operation} (documented: ${Object.keys(responses).join(', ')})`;
    const response = this.resolve(`${operation} ${key}`, responses[key]!);
    const header = this.headerViolation(operation, key, res, response);
    if (header) return header;
    const content = response.content ?? {};
    const documented = Object.keys(content);
    if (documented.length === 0) {
      return res.body.length === 0
        ? null
        : `${res.status} of ${operation} documents no body, got ${res.body.length} bytes (${res.contentType || 'no content-type'})`;
    }
    const answered = mediaTypeOf(res.contentType);
    const media = documented.find((d) => covers(d, answered));
    if (media === undefined)
      return `${res.status} of ${operation}: content-type "${res.contentType}" is not documented (${documented.join(', ')})`;
    const schema = content[media]?.schema;
    if (!schema || !isJson(answered)) return null;
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      return `${res.status} of ${operation}: the ${answered} body is not JSON`;
    }
    const validate = this.validatorFor(`${operation} ${key} ${media}`, schema);
    if (validate(body)) return null;
    const why = (validate.errors ?? [])
      .slice(0, 5)
      .map(
        (e) =>
          `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
      )
      .join('; ');
    return `${res.status} of ${operation}: body does not match the documented schema: ${why}`;
  }

  /** A required header missing, or a header whose value its schema refuses. */
  private headerViolation(
    operation: string,
    key: string,
    res: ObservedResponse,
    response: ResponseObject,
  ): string | null {
    if (!res.headers) return null;
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const raw = res.headers[name.toLowerCase()];
      const value = Array.isArray(raw) ? raw.join(', ') : raw;
      if (value === undefined) {
        if (header.required) return `${res.status} of ${operation} lacks the documented header ${name}`;
        continue;
      }
      if (!header.schema) continue;
      const validate = this.validatorFor(`${operation} ${key} header ${name}`, header.schema);
      if (!validate(value))
        return `${res.status} of ${operation}: header ${name}: ${JSON.stringify(value)} ${validate.errors?.[0]?.message ?? 'is invalid'}`;
    }
    return null;
  }

  /** The response with every `#/components/...` reference in it (headers, schemas) resolved, once. */
  private resolve(key: string, response: ResponseObject): ResponseObject {
    let resolved = this.responses.get(key);
    if (!resolved) {
      resolved = toJsonSchema(this.doc, response) as ResponseObject;
      this.responses.set(key, resolved);
    }
    return resolved;
  }

  private validatorFor(key: string, schema: Json): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(this.doc, schema) as Json);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
