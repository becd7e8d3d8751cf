import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Requests per key (principal, or IP without a token) per minute, counted in Redis: every gateway
 * instance draws from one count, so N gateways grant the limit once, not N times. A fixed window of
 * 60 s per key (rate-limiter-flexible's atomic INCRBY + EXPIRE script). Keys carry the limit itself:
 * gateways started with different limits (a test's, or both sides of a rolling change) count apart
 * instead of judging one count by two limits.
 *
 * While Redis does not answer (not connected: at once, without waiting for a timeout), each instance
 * counts in its own memory: the limit then holds per instance, and requests still pass rather than fail.
 */
export class RateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, perMinute: number, namespace = '') {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      points: perMinute,
      duration: 60,
      keyPrefix: `${namespace}gateway:rate:${perMinute}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60 }),
    });
  }

  /** Resolves 0 when allowed, else the whole seconds to wait (at least 1). */
  async take(key: string): Promise<number> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw err;
    }
  }
}
