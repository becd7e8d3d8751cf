import type { INestApplication, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  HeaderObject,
  OperationObject,
  ParameterObject,
  PathItemObject,
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PUBLIC_KEY, ROLES_KEY, type Role } from '@tracker/auth';
import { RESPONSES_KEY, type DeclaredResponse } from '@tracker/contracts';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { ifMatchOf } from './versioning';

// @ApiReturns lives in libs/contracts (beside the answer types) so that libraries below this one, such
// as the audit controller of libs/event-store, can document their answers too.
export { ApiReturns, RESPONSES_KEY, type DeclaredResponse } from '@tracker/contracts';
import { ZodValidationPipe } from './zod-validation.pipe';

/** Version of the HTTP API as documented (not of the package). */
export const API_VERSION = '1.0.0';
export const OPENAPI_PATH = '/openapi.json';
export const BEARER_SCHEME = 'bearer';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

/** What the route handlers tell us that the Swagger scanner cannot see (zod pipes, roles, If-Match). */
interface HandlerFacts {
  readonly roles: readonly Role[] | null;
  readonly isPublic: boolean;
  readonly body: z.ZodType | null;
  readonly query: z.ZodType | null;
  readonly queryFields: ReadonlyMap<string, z.ZodType>;
  readonly params: ReadonlyMap<string, z.ZodType>;
  readonly ifMatch: boolean;
  readonly responses: readonly DeclaredResponse[];
}

interface RouteArg {
  readonly index: number;
  readonly data?: unknown;
  readonly pipes?: readonly unknown[];
  readonly factory?: unknown;
}

const zodPipeOf = (arg: RouteArg): z.ZodType | null => {
  const pipe = arg.pipes?.find((p): p is ZodValidationPipe<z.ZodType> => p instanceof ZodValidationPipe);
  return pipe ? pipe.schema : null;
};

const operationIdOf = (service: string, controller: string, method: string): string =>
  `${service}.${controller.replace(/Controller$/, '')}.${method}`;

const handlerFacts = (app: INestApplication, service: string): Map<string, HandlerFacts> => {
  const facts = new Map<string, HandlerFacts>();
  const modules = app.get(ModulesContainer, { strict: false });
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller?.prototype) continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(proto)) {
        const handler = proto[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        const args =
          (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) as
            Record<string, RouteArg> | undefined) ?? {};
        let body: z.ZodType | null = null;
        let query: z.ZodType | null = null;
        const queryFields = new Map<string, z.ZodType>();
        const params = new Map<string, z.ZodType>();
        let ifMatch = false;
        for (const [key, arg] of Object.entries(args)) {
          if (arg.factory === ifMatchOf) ifMatch = true;
          const type = Number(key.split(':')[0]);
          const schema = zodPipeOf(arg);
          if (!schema) continue;
          const name = typeof arg.data === 'string' ? arg.data : null;
          if (type === Number(RouteParamtypes.BODY) && !name) body = schema;
          else if (type === Number(RouteParamtypes.QUERY)) {
            if (name) queryFields.set(name, schema);
            else query = schema;
          } else if (type === Number(RouteParamtypes.PARAM) && name) params.set(name, schema);
        }
        const targets = [handler, controller];
        const roles =
          targets
            .map((t) => Reflect.getMetadata(ROLES_KEY, t) as Role[] | undefined)
            .find((r) => r !== undefined) ?? null;
        const isPublic = targets.some((t) => Reflect.getMetadata(PUBLIC_KEY, t) === true);
        facts.set(operationIdOf(service, controller.name, method), {
          roles,
          isPublic,
          body,
          query,
          queryFields,
          params,
          ifMatch,
          responses: (Reflect.getMetadata(RESPONSES_KEY, handler) as DeclaredResponse[] | undefined) ?? [],
        });
      }
    }
  }
  return facts;
};

const PARAM_TYPES = 'design:paramtypes';

/**
 * A handler parameter typed with a zod-inferred type (`query: ListQuery` where `ListQuery` is also the
 * schema's name) has the zod schema object as its emitted design type; the Swagger scanner takes any
 * design type for a class and crashes on it. While the document is built, such types read as Object
 * (the zod schema is described from the pipe instead); the metadata is restored afterwards.
 */
const withClassParamTypes = <T>(app: INestApplication, build: () => T): T => {
  const restore: (() => void)[] = [];
  for (const module of app.get(ModulesContainer, { strict: false }).values()) {
    for (const wrapper of module.controllers.values()) {
      const proto = (wrapper.metatype as Type | null)?.prototype as Record<string, unknown> | undefined;
      if (!proto) continue;
      for (const method of Object.getOwnPropertyNames(proto)) {
        if (method === 'constructor') continue;
        const types = Reflect.getMetadata(PARAM_TYPES, proto, method) as unknown[] | undefined;
        if (!types?.some((t) => t !== undefined && typeof t !== 'function')) continue;
        Reflect.defineMetadata(
          PARAM_TYPES,
          types.map((t) => (t === undefined || typeof t === 'function' ? t : Object)),
          proto,
          method,
        );
        restore.push(() => Reflect.defineMetadata(PARAM_TYPES, types, proto, method));
      }
    }
  }
  try {
    return build();
  } finally {
    for (const r of restore) r();
  }
};

/** Drops `additionalProperties: false` at every depth (zod writes it for every object in output mode). */
const openObjects = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(openObjects);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => !(k === 'additionalProperties' && v === false))
      .map(([k, v]) => [k, openObjects(v)]),
  );
};

/**
 * JSON Schema (OpenAPI 3.0 dialect) of what a zod schema accepts (`input`, for requests) or gives
 * (`output`, for answers); `{}` when it cannot be expressed. Answers are open objects: an interceptor
 * adds labels (`statusLabel`, …) beside the fields, and a client must ignore fields it does not know.
 */
export const zodToOpenApi = (schema: z.ZodType, io: 'input' | 'output' = 'input'): SchemaObject => {
  try {
    const json = z.toJSONSchema(schema, {
      target: 'openapi-3.0',
      io,
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    delete json.$schema;
    return (io === 'output' ? openObjects(json) : json) as SchemaObject;
  } catch {
    return {};
  }
};

const ref = (to: string): ReferenceObject => ({ $ref: to });

const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details; every error answer has this shape.',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri', example: 'https://tracker.example/problems/validation-failed' },
    title: { type: 'string', example: 'Bad Request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'field-level reasons for validation errors',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  additionalProperties: true,
};

const PROBLEM_RESPONSES: Record<string, string> = {
  '400': 'Bad input: malformed JSON, wrong types, unknown fields, bad enum values',
  '401': 'No bearer token, or a bad, expired or unsigned one',
  '403': 'The caller’s role (or institution) may not do this',
  '404': 'No such resource',
  '409':
    'Conflicting state: an illegal transition, a concurrent modification, or an idempotent request still in flight',
  '412': 'If-Match names a version that is no longer current',
  '413': 'Request body too large',
  '415': 'Unsupported content type or encoding',
  '422': 'A business rule was violated, or an Idempotency-Key was reused with another body',
  '428': 'If-Match is required on updates',
  '429': 'Rate limit exceeded; see Retry-After',
  '500': 'Unexpected error (logged with the correlation id)',
  '503': 'A server this request needs is unavailable; retry later',
  '504': 'The gateway got no answer from the service in time; the request may or may not have taken effect',
};

/** A quoted ETag as the answers give it ("3"); a weak one (W/"3") is taken too. */
export const ETAG_PATTERN = '^(W/)?"(0|[1-9][0-9]{0,8})"$';

const PARAMETERS: Record<string, ParameterObject> = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes a POST safe to retry: the first answer is replayed for the same key and body (header Idempotent-Replayed: true); another body with the same key is a 422.',
    schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x20-\\x7E]{1,200}$' },
  },
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: true,
    description: 'The ETag (aggregate version) the client last read, quoted as the ETag header gives it: "3"',
    schema: { type: 'string', pattern: ETAG_PATTERN, example: '"3"' },
  },
  AcceptLanguage: {
    name: 'Accept-Language',
    in: 'header',
    required: false,
    description: 'fr for French labels (`statusLabel`, `positionLabel`, …), anything else for English',
    schema: { type: 'string', example: 'fr' },
  },
  CorrelationId: {
    name: 'X-Correlation-Id',
    in: 'header',
    required: false,
    description:
      'Carried into logs and the metadata of every event this request causes; one is made up if absent',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,100}$' },
  },
};

/** Response headers of the answers that declare them (@ApiReturns `headers`). */
const RESPONSE_HEADERS: Record<string, HeaderObject> = {
  ETag: {
    description: 'The aggregate version after this answer, quoted: send it back as If-Match',
    required: true,
    schema: { type: 'string', pattern: ETAG_PATTERN, example: '"3"' },
  },
  Location: {
    description: 'Where the resource is read',
    required: true,
    schema: { type: 'string', format: 'uri-reference', example: '/api/commitments/0190d4c8-…' },
  },
};

const problemCodesFor = (
  method: HttpMethod,
  path: string,
  facts: HandlerFacts | undefined,
  service: string,
): string[] => {
  // 503: any request may find a server it needs restarting (the database, Kafka, Redis): retry later.
  // 400: any request may carry a malformed JSON body or U+0000 in its path or query string.
  const codes = new Set<string>(['400', '500', '503']);
  // 504: the gateway gives up on a service that does not answer in time.
  if (service !== 'gateway') codes.add('504');
  const isWrite = method === 'post' || method === 'put' || method === 'patch' || method === 'delete';
  if (!facts?.isPublic) for (const c of ['401', '403', '429']) codes.add(c);
  if (path.includes('{')) codes.add('404');
  if (isWrite || facts?.query || facts?.queryFields.size || facts?.params.size) codes.add('400');
  if (isWrite) for (const c of ['409', '413', '415', '422']) codes.add(c);
  if (facts?.ifMatch) for (const c of ['412', '428']) codes.add(c);
  return [...codes].sort();
};

const describeOperation = (
  op: OperationObject,
  method: HttpMethod,
  path: string,
  service: string,
  facts: HandlerFacts | undefined,
): void => {
  op.tags = op.tags?.length ? op.tags : [service];
  const shared = new Set(['x-correlation-id', 'accept-language']);
  if (method === 'post') shared.add('idempotency-key');
  if (facts?.ifMatch) shared.add('if-match');
  // A header the shared parameters below declare is declared once, by them (not again by @ApiHeader).
  const parameters = (op.parameters ?? []).filter(
    (p): p is ParameterObject => !('$ref' in p) && !(p.in === 'header' && shared.has(p.name.toLowerCase())),
  );
  for (const p of parameters)
    if (p.in === 'header' && p.name.toLowerCase() === 'if-match')
      p.schema = { type: 'string', pattern: ETAG_PATTERN, example: '"3"' };
  for (const p of parameters) {
    const schema =
      p.in === 'path'
        ? facts?.params.get(p.name)
        : p.in === 'query'
          ? facts?.queryFields.get(p.name)
          : undefined;
    if (schema) p.schema = zodToOpenApi(schema);
  }
  if (facts?.query) {
    const json = zodToOpenApi(facts.query);
    const required = new Set(json.required ?? []);
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      if (parameters.some((p) => p.in === 'query' && p.name === name)) continue;
      parameters.push({ name, in: 'query', required: required.has(name), schema });
    }
  }
  const refs: ReferenceObject[] = [
    ref('#/components/parameters/CorrelationId'),
    ref('#/components/parameters/AcceptLanguage'),
  ];
  if (method === 'post') refs.push(ref('#/components/parameters/IdempotencyKey'));
  if (facts?.ifMatch) refs.push(ref('#/components/parameters/IfMatch'));
  op.parameters = [...parameters, ...refs];

  // An explicit @ApiBody wins; otherwise the zod schema the handler validates with is the truth about
  // its body (the scanner only sees the TypeScript type: for a zod-inferred type, an empty reference).
  const emptyRef = op.requestBody && JSON.stringify(op.requestBody).includes('"#/components/schemas/"');
  if (!op.requestBody || emptyRef) {
    if (facts?.body)
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: zodToOpenApi(facts.body) } },
      };
    else if (emptyRef)
      op.requestBody = { required: true, content: { 'application/json': { schema: { type: 'object' } } } };
  }
  if (facts?.responses.length) {
    // The answers the handler declares are all its successes: drop what the scanner guessed.
    const declared = new Set(facts.responses.map((r) => String(r.status)));
    for (const code of Object.keys(op.responses))
      if (/^[23]/.test(code) && !declared.has(code)) delete op.responses[code];
    // Several media types for one status (a CSV or an XLSX file) are one response with both contents.
    const byStatus = new Map<string, DeclaredResponse[]>();
    for (const r of facts.responses)
      byStatus.set(String(r.status), [...(byStatus.get(String(r.status)) ?? []), r]);
    for (const [code, rs] of byStatus) {
      const content = Object.fromEntries(
        rs.flatMap((r) =>
          r.schema
            ? [[r.contentType ?? 'application/json', { schema: zodToOpenApi(r.schema, 'output') }]]
            : [],
        ),
      );
      const headers = [...new Set(rs.flatMap((r) => r.headers ?? []))].sort();
      op.responses[code] = {
        description: rs.map((r) => r.description).join('; or '),
        ...(headers.length
          ? { headers: Object.fromEntries(headers.map((h) => [h, ref(`#/components/headers/${h}`)])) }
          : {}),
        ...(Object.keys(content).length ? { content } : {}),
      };
    }
  }
  for (const code of problemCodesFor(method, path, facts, service)) {
    op.responses[code] ??= ref(`#/components/responses/Problem${code}`);
  }
  for (const [code, response] of Object.entries(op.responses)) {
    // An error a controller documented by hand is still problem+json.
    if (/^[45]/.test(code) && response && !('$ref' in response) && !response.content)
      response.content = { [PROBLEM_CONTENT_TYPE]: { schema: ref('#/components/schemas/Problem') } };
    if (code.startsWith('2') && response && !('$ref' in response) && !response.description)
      response.description = 'Success';
  }
  if (facts?.isPublic) op.security = [];
  else if (facts) {
    const roles: readonly string[] = ['admin', ...(facts.roles ?? []).filter((r) => r !== 'admin')];
    (op as OperationObject & { 'x-roles'?: readonly string[] })['x-roles'] = roles;
    const line = `Roles: ${roles.join(', ')}.`;
    op.description = op.description ? `${op.description}\n\n${line}` : line;
  }
};

/**
 * This service's OpenAPI 3 document: routes from the Swagger scanner, request bodies, path and query
 * parameters from the zod schemas the handlers validate with, bearer auth (none on @Public routes),
 * the roles each operation admits (`x-roles`), the Idempotency-Key / If-Match / Accept-Language
 * headers (each declared once), every 2xx with its body schema and headers from the zod schema its
 * handler declares with @ApiReturns, and problem+json answers for every error an operation can give.
 */
export const buildOpenApiDocument = (app: INestApplication, service: string): OpenAPIObject => {
  const config = new DocumentBuilder()
    .setTitle(`Tracker — ${service}`)
    .setDescription(`The ${service} service of Tracker. Errors are RFC 9457 problem+json.`)
    .setVersion(API_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
  const doc = withClassParamTypes(app, () =>
    SwaggerModule.createDocument(app, config, {
      operationIdFactory: (controller, method) => operationIdOf(service, controller, method),
      autoTagControllers: false,
    }),
  );
  const facts = handlerFacts(app, service);
  for (const [path, item] of Object.entries<PathItemObject>(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op) describeOperation(op, method, path, service, facts.get(op.operationId ?? ''));
    }
  }
  doc.components = {
    ...doc.components,
    schemas: { ...doc.components?.schemas, Problem: PROBLEM_SCHEMA },
    parameters: { ...doc.components?.parameters, ...PARAMETERS },
    headers: { ...doc.components?.headers, ...RESPONSE_HEADERS },
    responses: {
      ...doc.components?.responses,
      ...Object.fromEntries(
        Object.entries(PROBLEM_RESPONSES).map(([code, description]) => [
          `Problem${code}`,
          {
            description,
            ...(code === '429'
              ? {
                  headers: {
                    'Retry-After': {
                      description: 'Seconds until the caller may try again',
                      required: true,
                      schema: { type: 'string', pattern: '^[0-9]+$', example: '12' },
                    },
                  },
                }
              : {}),
            content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('#/components/schemas/Problem') } },
          },
        ]),
      ),
    },
  };
  return doc;
};

/** A copy with object keys sorted at every depth: the committed document diffs cleanly. */
export const sortKeysDeep = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeysDeep(v)]),
  );
};

/** Serves the service's document at /openapi.json (public, outside /api, never proxied). */
export const serveOpenApi = (app: INestApplication, service: string): void => {
  const doc = sortKeysDeep(buildOpenApiDocument(app, service));
  const body = JSON.stringify(doc);
  const http = app.getHttpAdapter();
  http.get(OPENAPI_PATH, (_req: Request, res: Response) => {
    res.type('application/json').send(body);
  });
};
