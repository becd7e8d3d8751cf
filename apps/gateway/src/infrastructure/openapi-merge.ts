import type { OpenAPIObject } from '@nestjs/swagger';
import { API_VERSION, BEARER_SCHEME, sortKeysDeep } from '@tracker/platform';
import { matchRoute, type Route } from './routes';

export interface ServiceDocument {
  readonly service: string;
  /** null when the service did not answer: its operations are missing from the merged document. */
  readonly document: OpenAPIObject | null;
}

type Json = Record<string, unknown>;

/** Routes may rewrite their prefix upstream or be answered by the gateway itself (audit routes). */
export type RouteLike = Route & { readonly rewriteTo?: string; readonly local?: boolean };

/**
 * Where a client reaches a service's path through the gateway, or null if the gateway does not route
 * it there: `/api/commitments/x` stays as is; `/api/audit/x` of commitments is
 * `/api/audit/commitments/x` when a route rewrites that prefix to `/api/audit`.
 */
export const gatewayPathOf = (routes: readonly RouteLike[], service: string, path: string): string | null => {
  for (const r of routes) {
    if (r.service !== service || r.local || !r.rewriteTo) continue;
    if (path === r.rewriteTo || path.startsWith(`${r.rewriteTo}/`))
      return r.prefix + path.slice(r.rewriteTo.length);
  }
  const direct: RouteLike | undefined = matchRoute(routes, path);
  return direct && direct.service === service && !direct.local && !direct.rewriteTo ? path : null;
};

const COMPONENT_KINDS = [
  'schemas',
  'responses',
  'parameters',
  'examples',
  'requestBodies',
  'headers',
] as const;

/** Rewrites `$ref`s of renamed components (`#/components/schemas/X` → `…/service.X`). */
const rewriteRefs = (value: unknown, renames: ReadonlyMap<string, string>): unknown => {
  if (renames.size === 0) return value;
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, renames));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Json).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? (renames.get(v) ?? v) : rewriteRefs(v, renames),
    ]),
  );
};

const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(sortKeysDeep(a)) === JSON.stringify(sortKeysDeep(b));

/**
 * One document for the whole API, as a client of the gateway sees it: the gateway's own operations
 * plus, from each service, the operations the gateway routes to that service (a service's own
 * /health or /metrics are not reachable through the gateway, so they are left out). Components with the
 * same name and content are shared; a clash is resolved by prefixing the service's name. Keys are
 * sorted, so the same inputs always give the same bytes.
 */
export const mergeOpenApi = (
  gateway: OpenAPIObject,
  services: readonly ServiceDocument[],
  routes: readonly RouteLike[],
): OpenAPIObject => {
  const paths: Json = { ...(gateway.paths as Json) };
  const components: Record<string, Json> = {};
  for (const kind of COMPONENT_KINDS) components[kind] = { ...((gateway.components?.[kind] as Json) ?? {}) };
  const securitySchemes: Json = { ...((gateway.components?.securitySchemes as Json) ?? {}) };
  const tags = new Set<string>(['gateway']);
  const missing: string[] = [];

  for (const { service, document } of [...services].sort((a, b) => a.service.localeCompare(b.service))) {
    if (!document) {
      missing.push(service);
      continue;
    }
    tags.add(service);
    // First decide the names (a clash gets the service's prefix), then copy with refs rewritten.
    const renames = new Map<string, string>();
    const own: [kind: (typeof COMPONENT_KINDS)[number], name: string, value: unknown][] = [];
    for (const kind of COMPONENT_KINDS) {
      for (const [name, value] of Object.entries((document.components?.[kind] as Json) ?? {})) {
        const existing = components[kind]![name];
        if (existing !== undefined && !same(existing, value)) {
          renames.set(`#/components/${kind}/${name}`, `#/components/${kind}/${service}.${name}`);
          own.push([kind, `${service}.${name}`, value]);
        } else own.push([kind, name, value]);
      }
    }
    for (const [kind, name, value] of own) components[kind]![name] = rewriteRefs(value, renames);
    for (const [name, scheme] of Object.entries((document.components?.securitySchemes as Json) ?? {}))
      securitySchemes[name] ??= scheme;
    for (const [path, item] of Object.entries(document.paths as Json)) {
      const exposed = gatewayPathOf(routes, service, path);
      if (exposed) paths[exposed] = rewriteRefs(item, renames);
    }
  }

  const description = [
    'The Tracker REST API, through the gateway: JWT bearer auth, roles admin / secretariat / focal-point /',
    'auditor / viewer, RFC 9457 problem+json errors, ETag + If-Match on updates, Idempotency-Key on POSTs,',
    'English/French labels by Accept-Language.',
    ...(missing.length
      ? ['', `INCOMPLETE: ${missing.join(', ')} did not answer; their operations are missing.`]
      : []),
  ].join(' ');
  const merged: Json = {
    openapi: gateway.openapi,
    info: { title: 'Tracker API', version: API_VERSION, description },
    tags: [...tags].sort().map((name) => ({ name })),
    security: [{ [BEARER_SCHEME]: [] }],
    paths,
    components: {
      ...Object.fromEntries(Object.entries(components).filter(([, v]) => Object.keys(v).length > 0)),
      securitySchemes,
    },
    ...(missing.length ? { 'x-tracker-unavailable': missing } : {}),
  };
  return sortKeysDeep(merged) as OpenAPIObject;
};
