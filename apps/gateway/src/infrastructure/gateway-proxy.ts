import { once } from 'node:events';
import http from 'node:http';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { RequestHandler } from 'express';
import { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { TokenVerifier } from '@tracker/auth';
import { jwtSettingsOf } from '@tracker/platform';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG, ROUTES } from '../gateway.tokens';
import { proxyMiddleware } from './proxy.middleware';
import { RateLimiter } from './rate-limiter';
import type { Route } from './routes';

/**
 * Owns the proxy's connection pool, the rate limiter and its Redis connection; `handler` is mounted
 * ahead of Nest's routes.
 */
@Injectable()
export class GatewayProxy implements OnModuleInit, OnApplicationShutdown {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 30_000 });
  /**
   * No offline queue: while Redis is away a count fails at once and the limiter counts in memory,
   * instead of every request waiting for a reconnection.
   */
  private readonly redis: Redis;
  readonly handler: RequestHandler;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(ROUTES) routes: readonly Route[],
    logger: PinoLogger,
  ) {
    this.redis = new Redis(config.REDIS_URL, {
      connectionName: `${config.INSTANCE_ID}:rate-limit`,
      enableOfflineQueue: false,
      connectTimeout: 2_000,
      commandTimeout: 1_000,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    // ioredis reports each failed reconnection as an 'error' event; unhandled, it would crash the process.
    this.redis.on('error', (err: Error) => logger.logger.debug({ err: err.message }, 'rate-limit redis'));
    this.handler = proxyMiddleware({
      routes,
      verifier: new TokenVerifier(jwtSettingsOf(config)),
      limiter: new RateLimiter(this.redis, config.RATE_LIMIT_PER_MINUTE, config.KAFKA_TOPIC_PREFIX),
      bodyLimit: config.BODY_LIMIT_BYTES,
      importBodyLimit: config.IMPORT_BODY_LIMIT_BYTES,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      importTimeoutMs: config.IMPORT_TIMEOUT_MS,
      agent: this.agent,
      logger: logger.logger,
    });
  }

  /**
   * A gateway that answered before its Redis connection is ready would count its first requests in its
   * own memory. Redis down (an 'error') or slow (3 s): it starts anyway, counting in memory meanwhile.
   */
  async onModuleInit(): Promise<void> {
    if (this.redis.status !== 'ready')
      await once(this.redis, 'ready', { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.agent.destroy();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
