import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DEFAULT_REDIS_URL, type BaseConfig } from './config';
import { REDIS } from './tokens';

/**
 * One Redis client per service (idempotency keys). Commands fail fast (2 s, one retry) rather than
 * queueing for ever when Redis is down: a POST carrying an Idempotency-Key then gets a 503 problem and
 * /health says why.
 */
export const redisProvider = (config: Pick<BaseConfig, 'REDIS_URL' | 'INSTANCE_ID'>): Provider => ({
  provide: REDIS,
  useFactory: (): Redis =>
    new Redis(config.REDIS_URL ?? DEFAULT_REDIS_URL, {
      connectionName: config.INSTANCE_ID,
      connectTimeout: 2_000,
      commandTimeout: 2_000,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    }),
});

@Injectable()
export class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
