import { Redis } from 'ioredis';
import { testNamespace } from '@tracker/testing';
import { RateLimiter } from './rate-limiter';

/** The gateway's limit against the real Redis: instances share one count; without Redis, each its own. */
describe(RateLimiter.name, () => {
  const connections: Redis[] = [];
  const connect = (url = process.env.REDIS_URL!): Redis => {
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: url !== process.env.REDIS_URL,
    });
    redis.on('error', () => undefined);
    connections.push(redis);
    return redis;
  };
  const ready = (redis: Redis): Promise<void> =>
    redis.status === 'ready'
      ? Promise.resolve()
      : new Promise((resolve) => redis.once('ready', () => resolve()));
  afterAll(() => connections.forEach((c) => c.disconnect()));

  it('grants the limit once across instances, each on its own connection', async () => {
    const ns = testNamespace().topicPrefix;
    const [a, b, c] = [connect(), connect(), connect()];
    await Promise.all([a, b, c].map(ready));
    const gateways = [a, b, c].map((redis) => new RateLimiter(redis, 5, ns));
    const waits: number[] = [];
    for (let i = 0; i < 9; i += 1) waits.push(await gateways[i % 3]!.take('alice'));
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // The rest wait for the minute's window to end: at most 60 s, never 0.
    for (const w of waits.slice(5)) expect(w).toBeGreaterThanOrEqual(1);
    for (const w of waits.slice(5)) expect(w).toBeLessThanOrEqual(60);
    // Another principal, and another namespace, count apart.
    expect(await gateways[0]!.take('bob')).toBe(0);
    expect(await new RateLimiter(a, 5, `${ns}other.`).take('alice')).toBe(0);
  });

  it('counts in its own memory, at once, while Redis does not answer', async () => {
    // Nothing listens on port 9: the connection is never ready.
    const limiter = new RateLimiter(connect('redis://127.0.0.1:9'), 3, testNamespace().topicPrefix);
    const started = performance.now();
    const waits = [];
    for (let i = 0; i < 4; i += 1) waits.push(await limiter.take('carol'));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
