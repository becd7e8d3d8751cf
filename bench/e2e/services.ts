import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { TestNamespace } from '@tracker/testing';
import type { ProfileReply, ProfileRequest } from './profile-hook';

/**
 * The four apps as child processes (as deploy/local/services.sh runs them), so each one's RSS and CPU time
 * can be read from /proc on its own. Each child loads profile-hook.js, which can CPU-profile it on request.
 */
export const SERVICES = ['recommendations', 'commitments', 'follow-up', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface Service {
  readonly name: ServiceName;
  /** 1..instances: several of one app run behind a balancer (startServices' `instances`). */
  readonly instance: number;
  readonly port: number;
  /** This process's own URL (its /metrics, its /health). */
  readonly url: string;
  /** The URL clients use: the app's balancer when it has several instances, else `url`. */
  readonly front: string;
  readonly child: ChildProcess;
  readonly log: string;
  /** The balancer in front of the app's instances (on its first instance's entry). */
  readonly balancer?: ChildProcess;
}

export interface Infra {
  readonly MONGO_URL: string;
  readonly KAFKA_BROKERS: string;
  readonly REDIS_URL: string;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(ROOT, 'dist');
const BALANCER = path.join(ROOT, 'deploy', 'local', 'balancer.mjs');
const NODE_OPTIONS_FILE = path.join(ROOT, 'deploy', 'service-node-options');

const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const waitHealthy = async (svc: Service, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (svc.child.exitCode !== null)
      throw new Error(`${svc.name} exited with ${svc.child.exitCode} while starting (log: ${svc.log})`);
    try {
      const res = await fetch(`${svc.url}/health`, { signal: AbortSignal.timeout(3_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${svc.name} not healthy after ${timeoutMs} ms (log: ${svc.log})`);
    await sleep(250);
  }
};

const OFFSETS: Record<ServiceName, number> = {
  gateway: 0,
  recommendations: 1,
  commitments: 2,
  'follow-up': 3,
};

/**
 * The four apps, `instances` of each. One: on basePort (gateway) to basePort + 3. Several, as
 * `APPS_REPLICAS` runs them (deploy/local/services.sh): instance i on basePort + 10 i + the app's
 * offset, behind a balancer per app (deploy/local/balancer.mjs) on the app's usual port, which the
 * gateways use for the services and clients for the gateways.
 */
export const startServices = async (
  ns: TestNamespace,
  infra: Infra,
  basePort: number,
  logDir: string,
  instances = 1,
): Promise<Service[]> => {
  const front = (name: ServiceName): number => basePort + OFFSETS[name];
  const portOf = (name: ServiceName, i: number): number =>
    instances === 1 ? front(name) : basePort + 10 * i + OFFSETS[name];
  const numbers = Array.from({ length: instances }, (_, i) => i + 1);
  for (const name of SERVICES)
    for (const port of new Set([front(name), ...numbers.map((i) => portOf(name, i))]))
      if (!(await portFree(port)))
        throw new Error(`port ${port} (for ${name}) is taken: set BENCH_E2E_PORT to another base port`);
  fs.mkdirSync(logDir, { recursive: true });
  const common: Record<string, string> = {
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    MONGO_URL: infra.MONGO_URL,
    KAFKA_BROKERS: infra.KAFKA_BROKERS,
    KAFKA_TOPIC_PREFIX: ns.topicPrefix,
    REDIS_URL: infra.REDIS_URL,
  };
  const specific: Record<ServiceName, Record<string, string>> = {
    recommendations: { MONGO_DB: ns.db('recommendations') },
    commitments: { MONGO_DB: ns.db('commitments') },
    'follow-up': { MONGO_DB: ns.db('follow-up') },
    gateway: {
      RECOMMENDATIONS_URL: `http://127.0.0.1:${front('recommendations')}`,
      COMMITMENTS_URL: `http://127.0.0.1:${front('commitments')}`,
      FOLLOW_UP_URL: `http://127.0.0.1:${front('follow-up')}`,
      // A handful of simulated staff send thousands of requests a second: the per-principal limit
      // (6,000/min by default) would measure the limiter, not the system.
      RATE_LIMIT_PER_MINUTE: '100000000',
    },
  };
  const started: Service[] = [];
  for (const name of SERVICES) {
    const balancer =
      instances === 1
        ? undefined
        : spawn(
            process.execPath,
            [BALANCER, String(front(name)), ...numbers.map((i) => String(portOf(name, i)))],
            {
              stdio: 'ignore',
            },
          );
    for (const i of numbers) {
      const suffix = instances === 1 ? '' : `-${i}`;
      const log = path.join(logDir, `bench-e2e-${name}${suffix}.log`);
      const out = fs.openSync(log, 'w');
      const port = portOf(name, i);
      const child = spawn(
        process.execPath,
        [
          // The heap limits `npm run up` and the image start the services with (deploy/service-node-options).
          ...(process.env.BENCH_E2E_NODE_FLAGS ?? fs.readFileSync(NODE_OPTIONS_FILE, 'utf8'))
            .split(/\s+/)
            .filter(Boolean),
          '--enable-source-maps',
          '--require',
          path.join(DIST, 'bench', 'e2e', 'profile-hook.js'),
          path.join(DIST, 'apps', name, 'src', 'main.js'),
        ],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            ...common,
            ...specific[name],
            PORT: String(port),
            INSTANCE_ID: `${ns.id}-${name}${suffix}`,
          },
          stdio: ['ignore', out, out, 'ipc'],
        },
      );
      fs.closeSync(out);
      const url = `http://127.0.0.1:${port}`;
      started.push({
        name,
        instance: i,
        port,
        url,
        front: `http://127.0.0.1:${front(name)}`,
        child,
        log,
        ...(i === 1 && balancer ? { balancer } : {}),
      });
    }
    // The gateway's health checks the others: start it once they answer.
    if (name === 'follow-up') await Promise.all(started.map((s) => waitHealthy(s, 120_000)));
  }
  await Promise.all(started.filter((s) => s.name === 'gateway').map((s) => waitHealthy(s, 120_000)));
  return started;
};

export const stopServices = async (services: readonly Service[]): Promise<void> => {
  for (const svc of [...services].reverse()) {
    if (svc.child.exitCode !== null || svc.child.signalCode !== null) continue;
    svc.child.kill('SIGTERM');
    const exited = once(svc.child, 'exit');
    const timer = sleep(15_000).then(() => 'timeout' as const);
    if ((await Promise.race([exited, timer])) === 'timeout') svc.child.kill('SIGKILL');
  }
  for (const svc of services) svc.balancer?.kill('SIGTERM');
};

/** Asks every service to start (or stop and write) a CPU profile; resolves when all answered. */
export const profileCommand = async (
  services: readonly Service[],
  request: (svc: Service) => ProfileRequest,
): Promise<ProfileReply[]> =>
  Promise.all(
    services.map(
      (svc) =>
        new Promise<ProfileReply>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`${svc.name}: no answer to profiler request`)),
            30_000,
          );
          const onMessage = (m: unknown): void => {
            const reply = m as ProfileReply;
            if (reply.kind !== 'profile-reply') return;
            clearTimeout(timer);
            svc.child.off('message', onMessage);
            if (reply.error) reject(new Error(`${svc.name}: ${reply.error}`));
            else resolve(reply);
          };
          svc.child.on('message', onMessage);
          svc.child.send(request(svc));
        }),
    ),
  );
