import { Controller, Get, Inject } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import { Public } from '@tracker/auth';
import { KAFKA, MONGO_DB, REDIS } from './tokens';

const withTimeout = async <T>(p: Promise<T>, ms: number, what: string): Promise<T> => {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`${what} timed out`)), ms))),
    ]);
  } finally {
    clearTimeout(t);
  }
};

/** Readiness: answers 200 only when this service's MongoDB, Kafka and Redis answer. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  check() {
    return this.health.check([() => this.mongo(), () => this.kafkaCheck(), () => this.redisCheck()]);
  }

  private async mongo(): Promise<HealthIndicatorResult> {
    const i = this.indicator.check('mongodb');
    try {
      await withTimeout(this.db.command({ ping: 1 }), 2_000, 'ping');
      return i.up();
    } catch (err) {
      return i.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }

  private async kafkaCheck(): Promise<HealthIndicatorResult> {
    const i = this.indicator.check('kafka');
    const admin = this.kafka.admin();
    try {
      await withTimeout(admin.connect(), 3_000, 'connect');
      const cluster = await withTimeout(admin.describeCluster(), 3_000, 'describeCluster');
      return i.up({ brokers: cluster.brokers.length });
    } catch (err) {
      return i.down({ message: err instanceof Error ? err.message : String(err) });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async redisCheck(): Promise<HealthIndicatorResult> {
    const i = this.indicator.check('redis');
    try {
      await withTimeout(this.redis.ping(), 2_000, 'ping');
      return i.up();
    } catch (err) {
      return i.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}
