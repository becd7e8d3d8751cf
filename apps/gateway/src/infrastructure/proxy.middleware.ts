import http from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bearerOf, InvalidTokenError, type Principal, type TokenVerifier } from '@tracker/auth';
import { CORRELATION_HEADER, correlationIdOf, problem, sendProblem } from '@tracker/platform';
import type { Logger } from 'pino';
import { auditTimeline } from '../audit/audit-timeline';
import { auditUpstreams } from '../audit/audit-routes';
import { matchRoute, type Route } from './routes';
import type { RateLimiter } from './rate-limiter';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

export interface ProxyOptions {
  readonly routes: readonly Route[];
  readonly verifier: TokenVerifier;
  readonly limiter: Pick<RateLimiter, 'take'>;
  readonly bodyLimit: number;
  /** Larger limit for multipart imports. */
  readonly importBodyLimit: number;
  readonly timeoutMs: number;
  readonly importTimeoutMs: number;
  readonly agent: http.Agent;
  readonly logger: Logger;
}

/**
 * A `.` or `..` segment, raw or percent-encoded (`%2e`). The upstream URL is built with WHATWG URL, which
 * resolves such segments: `/api/recommendations/.` would reach `GET /api/recommendations` (the list) and
 * `/api/tracker/items/%2e%2e` the tracker, answers of another operation than the one the path names.
 * A raw backslash ends a segment too: WHATWG URL reads it as `/` in http URLs, and Node passes it through
 * (`/api/recommendations/x\..` is the list).
 */
export const hasDotSegment = (path: string): boolean => /(^|[/\\])(\.|%2e){1,2}([/\\]|$)/i.test(path);

/**
 * A Location the service gave, as a client of the gateway follows it: under a rewritten prefix the
 * service names its own path (`/api/audit/rebuild/x`), which the gateway serves as `/api/audit/<service>/…`.
 */
export const gatewayLocation = (route: Pick<Route, 'prefix' | 'rewriteTo'>, location: string): string =>
  route.rewriteTo && (location === route.rewriteTo || location.startsWith(`${route.rewriteTo}/`))
    ? route.prefix + location.slice(route.rewriteTo.length)
    : location;

const isImport = (req: Request): boolean => req.method === 'POST' && /\/import(\?|$)/.test(req.path);

/**
 * The gateway's one job per request: authenticate, rate-limit, cap the body, forward to the owning
 * service and stream the answer back. Services check roles themselves; every failure here is problem+json.
 */
export const proxyMiddleware = (options: ProxyOptions): RequestHandler => {
  const { routes, verifier, limiter, agent, logger } = options;
  const timeline = auditTimeline({ upstreams: auditUpstreams(routes), timeoutMs: options.timeoutMs, logger });
  const handle = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.path.startsWith('/api') && hasDotSegment(req.path))
      return sendProblem(
        res,
        req,
        problem(
          400,
          'bad-path',
          'a path may not hold "." or ".." segments (nor %2e): name the resource itself',
        ),
      );
    const route = matchRoute(routes, req.path);
    if (!route) {
      if (req.path.startsWith('/api'))
        return sendProblem(res, req, problem(404, 'not-found', `no API at ${req.path}`));
      return next();
    }
    const correlationId = correlationIdOf(req);
    res.setHeader(CORRELATION_HEADER, correlationId);

    const token = bearerOf(req.headers.authorization);
    if (!token) return sendProblem(res, req, problem(401, 'unauthenticated', 'a bearer token is required'));
    let principal: Principal;
    try {
      principal = await verifier.verify(token);
    } catch (err) {
      const why = err instanceof InvalidTokenError ? err.message : 'invalid token';
      return sendProblem(res, req, problem(401, 'unauthenticated', `invalid token: ${why}`));
    }
    const subject = principal.subject;
    if (route.roles && !route.roles.includes(principal.role)) {
      logger.info(
        { denied: { actor: principal.subject, role: principal.role, path: req.originalUrl, correlationId } },
        'request denied by role',
      );
      return sendProblem(res, req, problem(403, 'forbidden', `role ${principal.role} may not do this`));
    }
    const wait = await limiter.take(subject);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return sendProblem(res, req, problem(429, 'rate-limited', `too many requests; retry in ${wait} s`));
    }

    const limit = isImport(req) ? options.importBodyLimit : options.bodyLimit;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      res.setHeader('Connection', 'close');
      return sendProblem(res, req, problem(413, 'body-too-large', `request body exceeds ${limit} bytes`));
    }

    if (route.local) return timeline(req, res, { principal, correlationId });

    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers))
      if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    headers[CORRELATION_HEADER] = correlationId;
    headers['x-forwarded-for'] = req.ip ?? '';

    const path = route.rewriteTo
      ? route.rewriteTo + req.originalUrl.slice(route.prefix.length)
      : req.originalUrl;
    const target = new URL(path, route.upstream);
    const upstream = http.request(
      target,
      {
        method: req.method,
        headers,
        agent,
        timeout: isImport(req) ? options.importTimeoutMs : options.timeoutMs,
      },
      (up) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(up.headers))
          if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
        if (typeof out.location === 'string') out.location = gatewayLocation(route, out.location);
        res.writeHead(up.statusCode ?? 502, out);
        up.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) return void res.destroy(err);
      const timeout = err.message === 'upstream timeout';
      logger.warn({ err: err.message, service: route.service, correlationId }, 'upstream failed');
      sendProblem(
        res,
        req,
        timeout
          ? problem(504, 'upstream-timeout', `${route.service} did not answer in time`)
          : problem(503, 'service-unavailable', `${route.service} is unavailable; retry later`),
      );
    });

    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        req.unpipe(upstream);
        upstream.destroy();
        if (!res.headersSent) {
          res.setHeader('Connection', 'close');
          sendProblem(res, req, problem(413, 'body-too-large', `request body exceeds ${limit} bytes`));
        }
        req.resume();
      }
    });
    req.pipe(upstream);
  };
  return (req, res, next) => {
    handle(req, res, next).catch(next);
  };
};
