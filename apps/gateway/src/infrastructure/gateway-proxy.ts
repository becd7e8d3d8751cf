import http from 'node:http';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { RequestHandler } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { TokenVerifier } from '@tracker/auth';
import { jwtSettingsOf } from '@tracker/platform';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG, ROUTES } from '../gateway.tokens';
import { proxyMiddleware } from './proxy.middleware';
import { RateLimiter } from './rate-limiter';
import type { Route } from './routes';

/** Owns the proxy's connection pool and rate limiter; `handler` is mounted ahead of Nest's routes. */
@Injectable()
export class GatewayProxy implements OnApplicationShutdown {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 30_000 });
  readonly handler: RequestHandler;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(ROUTES) routes: readonly Route[],
    logger: PinoLogger,
  ) {
    this.handler = proxyMiddleware({
      routes,
      verifier: new TokenVerifier(jwtSettingsOf(config)),
      limiter: new RateLimiter(config.RATE_LIMIT_PER_MINUTE),
      bodyLimit: config.BODY_LIMIT_BYTES,
      importBodyLimit: config.IMPORT_BODY_LIMIT_BYTES,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      importTimeoutMs: config.IMPORT_TIMEOUT_MS,
      agent: this.agent,
      logger: logger.logger,
    });
  }

  onApplicationShutdown(): void {
    this.agent.destroy();
  }
}
