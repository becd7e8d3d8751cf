import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PinoLogger } from 'nestjs-pino';
import { OPENAPI_PATH } from '@tracker/platform';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG, ROUTES } from '../gateway.tokens';
import { mergeOpenApi } from './openapi-merge';
import type { Route } from './routes';

interface Cached {
  readonly document: OpenAPIObject;
  readonly fetchedAt: number;
}

/** Does not keep the process alive: a gateway shutting down does not wait for the next attempt. */
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/**
 * Keeps each service's /openapi.json and merges them with the gateway's own. Fetched at startup (with
 * retries, in the background: a service that starts later is picked up), then refreshed lazily when a
 * client asks and the copy is older than OPENAPI_REFRESH_SECONDS. A service that does not answer keeps
 * its last good document; one never seen is reported as missing in the merged document.
 */
@Injectable()
export class OpenApiAggregator implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly attemptedAt = new Map<string, number>();
  private readonly upstreams: ReadonlyMap<string, string>;
  private gatewayDocument: OpenAPIObject | null = null;
  private stopped = false;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(ROUTES) private readonly routes: readonly Route[],
    private readonly logger: PinoLogger,
  ) {
    // Routes the gateway answers itself have no upstream document.
    this.upstreams = new Map(routes.filter((r) => !r.local).map((r) => [r.service, r.upstream]));
  }

  /** The gateway's own operations (its /health), built once the app exists. */
  setGatewayDocument(document: OpenAPIObject): void {
    this.gatewayDocument = document;
  }

  onApplicationBootstrap(): void {
    void this.warmUp();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  /** The merged document, refreshing stale or missing parts first (each bounded by a short timeout). */
  async document(): Promise<{ document: OpenAPIObject; missing: string[] }> {
    const now = Date.now();
    const maxAge = this.config.OPENAPI_REFRESH_SECONDS * 1000;
    await Promise.all(
      [...this.upstreams.keys()]
        .filter((s) => {
          const c = this.cache.get(s);
          // A service that just failed is not asked again for a few seconds: clients are not kept waiting.
          const recentlyTried = now - (this.attemptedAt.get(s) ?? 0) < 5_000;
          return (!c || now - c.fetchedAt > maxAge) && !recentlyTried;
        })
        .map((s) => this.refresh(s)),
    );
    const services = [...this.upstreams.keys()].map((service) => ({
      service,
      document: this.cache.get(service)?.document ?? null,
    }));
    if (!this.gatewayDocument) throw new Error('the gateway document is not built yet');
    return {
      document: mergeOpenApi(this.gatewayDocument, services, this.routes),
      missing: services.filter((s) => !s.document).map((s) => s.service),
    };
  }

  private async warmUp(): Promise<void> {
    for (let attempt = 1; attempt <= 10 && !this.stopped; attempt += 1) {
      await Promise.all(
        [...this.upstreams.keys()].filter((s) => !this.cache.has(s)).map((s) => this.refresh(s)),
      );
      if (this.cache.size === this.upstreams.size) return;
      await sleep(Math.min(500 * 2 ** (attempt - 1), 10_000));
    }
  }

  private refresh(service: string): Promise<void> {
    let p = this.inFlight.get(service);
    if (!p) {
      p = this.fetchOne(service).finally(() => this.inFlight.delete(service));
      this.inFlight.set(service, p);
    }
    return p;
  }

  private async fetchOne(service: string): Promise<void> {
    const upstream = this.upstreams.get(service)!;
    this.attemptedAt.set(service, Date.now());
    try {
      const res = await fetch(new URL(OPENAPI_PATH, upstream), { signal: AbortSignal.timeout(3_000) });
      if (!res.ok) throw new Error(`answered ${res.status}`);
      const document = (await res.json()) as OpenAPIObject;
      if (typeof document.openapi !== 'string' || typeof document.paths !== 'object')
        throw new Error('not an OpenAPI document');
      this.cache.set(service, { document, fetchedAt: Date.now() });
    } catch (err) {
      this.logger.warn(
        { service, err: err instanceof Error ? err.message : String(err) },
        'could not fetch the OpenAPI document of a service',
      );
    }
  }
}
