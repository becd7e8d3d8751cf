import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from './wait-for';

export interface PrivateRedis {
  readonly url: string;
  /** SIGKILL, wipe its data directory, start again on the same port: Redis lost everything. */
  restartEmpty(): Promise<void>;
  stop(): Promise<void>;
}

/** A port nothing listens on now (a child told to listen there may race another, rarely). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/**
 * A Redis of one test's own (redis-server from PATH, as deploy/local installs it), for tests that wipe
 * Redis: wiping the shared one would take the queues, idempotency keys and health of every suite
 * running beside it (the fuzzer saw 503s when a restart test ran next to it).
 */
export const startPrivateRedis = async (): Promise<PrivateRedis> => {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    fs.mkdirSync(dir, { recursive: true });
    // Same durability as deploy/local/redis.sh: append-only file, no snapshots.
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () => {
        const probe = new Redis(url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG' ? true : undefined;
        } catch {
          return undefined;
        } finally {
          probe.disconnect();
        }
      },
      { timeoutMs: 20_000, intervalMs: 100, what: `a private redis-server on port ${port}` },
    );
  };

  const kill = async (): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url,
    restartEmpty: async () => {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
      await start();
    },
    stop: async () => {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
