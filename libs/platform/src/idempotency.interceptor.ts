import { createHash } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
  Optional,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { catchError, from, mergeMap, type Observable, of } from 'rxjs';
import type { Principal } from '@tracker/auth';
import { canonicalJson } from '@tracker/contracts';
import { type CommittedRequest, EVENT_STORE, type EventStore, runAsRequest } from '@tracker/event-store';
import { DEFAULT_IDEMPOTENCY_TTL_SECONDS, type BaseConfig } from './config';
import { ProblemError } from './http-errors';
import { problem } from './problem';
import { requestCorrelationId } from './request-context';
import { SERVICE_DEFINITION, type ServiceDefinition } from './service-lifecycle';
import { REDIS, SERVICE_CONFIG } from './tokens';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAY_HEADER = 'idempotent-replayed';
/** 1-200 printable ASCII characters (space included). */
const KEY_PATTERN = /^[\x20-\x7E]{1,200}$/;
/** A crashed first attempt must not block retries for a day: the in-flight marker lives at most this long. */
const IN_FLIGHT_SECONDS = 300;
/** Response headers a replay must repeat; the rest are recomputed. */
const REPLAYED_HEADERS = ['etag', 'location', 'content-type'] as const;

interface InFlight {
  readonly state: 'in-flight';
  readonly fingerprint: string;
}
interface Completed {
  readonly state: 'completed';
  readonly fingerprint: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly empty: boolean;
}
type IdempotencyRecord = InFlight | Completed;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * One (principal, method, path, key) as a hash: the request's key in the service's Redis and in the
 * commits it makes (libs/event-store/src/idempotent-request.ts; each service has its own store).
 */
export const idempotencyScope = (subject: string, method: string, path: string, key: string): string =>
  sha256(JSON.stringify([subject, method.toUpperCase(), path, key]));

/**
 * Where the answer to one (service, principal, method, path, key) is kept, under the deployment's
 * namespace (KAFKA_TOPIC_PREFIX, as its queues and rate limit): two deployments sharing a Redis, or two
 * test stacks, never answer each other's requests.
 */
export const idempotencyRedisKey = (
  namespace: string,
  service: string,
  subject: string,
  method: string,
  path: string,
  key: string,
): string => scopedRedisKey(namespace, service, idempotencyScope(subject, method, path, key));

const scopedRedisKey = (namespace: string, service: string, scope: string): string =>
  `${namespace}idempotency:${service}:${scope}`;

/**
 * What makes two requests "the same": the canonical JSON of a parsed body (key order does not matter).
 * A body the service has not parsed yet (multipart uploads) is identified by its type and length only.
 */
export const requestFingerprint = (req: Pick<Request, 'body' | 'headers'>): string => {
  const body: unknown = req.body;
  if (body !== undefined && body !== null && typeof body === 'object')
    return sha256(`json:${canonicalJson(body)}`);
  return sha256(
    `raw:${req.headers['content-type'] ?? ''}:${req.headers['content-length'] ?? ''}:${typeof body === 'string' ? body : ''}`,
  );
};

const reused = (): ProblemError =>
  new ProblemError(
    problem(
      422,
      'idempotency-key-reused',
      'this Idempotency-Key was already used with a different request body; use a new key',
    ),
  );

const unavailable = (err: unknown): ProblemError =>
  new ProblemError(
    problem(
      503,
      'idempotency-unavailable',
      `idempotency store unavailable (${err instanceof Error ? err.message : String(err)}); retry later`,
    ),
  );

/**
 * `Idempotency-Key` on POSTs. The first request claims the key with SET NX (an in-flight marker), runs,
 * and stores its answer (status, ETag, Location, content type, body) for IDEMPOTENCY_TTL_SECONDS;
 * a repeat with the same body gets that answer again (header `Idempotent-Replayed: true`) without
 * running the command, a repeat with another body is a 422, and a repeat while the first is still
 * running is a 409. Failed requests release the key so the client can retry. Keys are scoped to the
 * service, the caller's subject, the method and the path, so two callers never see each other's answers.
 *
 * The key is also written INTO every commit the request makes (runAsRequest, libs/event-store), in the
 * same document as its events. A service that dies after committing and before storing or sending its
 * answer leaves an in-flight marker and that commit: a retry finds the commit and runs the handler as a
 * replay, where AggregateRepository returns the committed result instead of deciding again, so the
 * answer is the one the first run would have given and nothing happens twice (docs/reliability.md).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private readonly ttlSeconds: number;
  private readonly namespace: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) config: BaseConfig,
    @Inject(SERVICE_DEFINITION) private readonly service: ServiceDefinition,
    // null for a service without an event store of its own (ServiceCoreModule).
    @Optional() @Inject(EVENT_STORE) private readonly store: EventStore | null = null,
  ) {
    this.ttlSeconds = config.IDEMPOTENCY_TTL_SECONDS ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS;
    this.namespace = config.KAFKA_TOPIC_PREFIX;
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const res = context.switchToHttp().getResponse<Response>();
    const header = req.headers[IDEMPOTENCY_HEADER];
    if (req.method !== 'POST' || header === undefined) return next.handle();
    const key = Array.isArray(header) ? header.join(', ') : header;
    if (!KEY_PATTERN.test(key)) {
      throw new ProblemError(
        problem(400, 'bad-idempotency-key', 'Idempotency-Key must be 1-200 printable ASCII characters'),
      );
    }
    const subject = req.principal?.subject ?? 'anonymous';
    const scope = idempotencyScope(subject, req.method, req.originalUrl, key);
    // The scope is hashed once: it is also what the commits record (runAsRequest below).
    const redisKey = scopedRedisKey(this.namespace, this.service.name, scope);
    const fingerprint = requestFingerprint(req);

    const previous = await this.claim(redisKey, fingerprint);
    if (previous?.state === 'completed' || (previous && previous.fingerprint !== fingerprint))
      return of(this.replay(previous, fingerprint, res));
    // A first run, or an in-flight marker: has a run of this request committed? (After a crash the marker
    // stays until it expires, and once it has expired only the commits remember the request.)
    const committed = await this.committedRun(redisKey, scope, fingerprint, previous !== null);
    if (previous && committed.length === 0) return of(this.replay(previous, fingerprint, res));
    const correlationId = requestCorrelationId(req);
    const handled = runAsRequest({ request: { key: scope, fingerprint }, correlationId, committed }, () =>
      next.handle(),
    );

    return handled.pipe(
      mergeMap((body: unknown) => {
        // The command did not run again: its committed result was answered (a replay, as from Redis).
        if (committed.length > 0 && !res.headersSent) res.setHeader(IDEMPOTENT_REPLAY_HEADER, 'true');
        return from(this.complete(redisKey, fingerprint, res, body));
      }),
      catchError((err: unknown) =>
        from(
          this.release(redisKey).then(() => {
            throw err;
          }),
        ),
      ),
    );
  }

  /** Claims the key for this request (returns null), or returns the record of an earlier request. */
  private async claim(redisKey: string, fingerprint: string): Promise<IdempotencyRecord | null> {
    const marker: InFlight = { state: 'in-flight', fingerprint };
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const set = await this.redis.set(
          redisKey,
          JSON.stringify(marker),
          'EX',
          Math.min(IN_FLIGHT_SECONDS, this.ttlSeconds),
          'NX',
        );
        if (set === 'OK') return null;
        const existing = await this.redis.get(redisKey);
        // Expired between SET and GET: try to claim again.
        if (existing !== null) return JSON.parse(existing) as IdempotencyRecord;
      }
    } catch (err) {
      throw unavailable(err);
    }
    throw unavailable(new Error('key kept changing'));
  }

  /**
   * The commits an earlier run of this request made, within the key's lifetime. Another body's commits
   * are a reused key (422; a claim this request just made is released). Without an event store, none.
   */
  private async committedRun(
    redisKey: string,
    scope: string,
    fingerprint: string,
    claimedBefore: boolean,
  ): Promise<CommittedRequest[]> {
    if (!this.store) return [];
    const since = Date.now() - this.ttlSeconds * 1000;
    let found: CommittedRequest[];
    try {
      found = (await this.store.committedFor(scope)).filter((c) => c.recordedAt.getTime() >= since);
    } catch (err) {
      if (!claimedBefore) await this.release(redisKey);
      throw unavailable(err);
    }
    if (found.some((c) => c.fingerprint !== fingerprint)) {
      if (!claimedBefore) await this.release(redisKey);
      throw reused();
    }
    return found;
  }

  private replay(record: IdempotencyRecord, fingerprint: string, res: Response): unknown {
    if (record.fingerprint !== fingerprint) throw reused();
    if (record.state === 'in-flight') {
      throw new ProblemError(
        problem(
          409,
          'idempotency-key-in-flight',
          'a request with this Idempotency-Key is still being processed; retry shortly',
        ),
      );
    }
    res.status(record.status);
    for (const [name, value] of Object.entries(record.headers)) res.setHeader(name, value);
    res.setHeader(IDEMPOTENT_REPLAY_HEADER, 'true');
    return record.empty ? undefined : record.body;
  }

  private async complete(
    redisKey: string,
    fingerprint: string,
    res: Response,
    body: unknown,
  ): Promise<unknown> {
    // A handler that wrote the response itself (@Res without passthrough) cannot be replayed faithfully.
    if (res.headersSent) {
      await this.release(redisKey);
      return body;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = res.getHeader(name);
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    const record: Completed = {
      state: 'completed',
      fingerprint,
      status: res.statusCode,
      headers,
      body: body ?? null,
      empty: body === undefined,
    };
    try {
      await this.redis.set(redisKey, JSON.stringify(record), 'EX', this.ttlSeconds);
    } catch (err) {
      // The command has happened; answer it. A retry with this key may then run it again, so say so.
      this.logger.error({ err, redisKey }, 'could not store the answer of an idempotent request');
    }
    return body;
  }

  private async release(redisKey: string): Promise<void> {
    await this.redis.del(redisKey).catch((err: unknown) => {
      this.logger.warn({ err, redisKey }, 'could not release an idempotency key; it expires by itself');
    });
  }
}
