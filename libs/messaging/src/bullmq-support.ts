import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';

/** A Redis connection as BullMQ needs it (no per-request retry limit), named for `CLIENT LIST`. */
export const bullmqConnection = (url: string, name: string, onError: (err: unknown) => void): Redis => {
  const redis = new Redis(url, { connectionName: name, maxRetriesPerRequest: null });
  redis.on('error', onError);
  return redis;
};

/** Exports how many jobs of a queue wait (delayed + waiting + active), read at scrape time. */
export const queueDepthGauge = (
  registry: Registry,
  name: string,
  help: string,
  queueOf: () => Queue | null | undefined,
): Gauge =>
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      const queue = queueOf();
      if (!queue) return;
      const c = await queue.getJobCounts('delayed', 'waiting', 'active').catch(() => null);
      if (c) this.set((c.delayed ?? 0) + (c.waiting ?? 0) + (c.active ?? 0));
    },
  });
