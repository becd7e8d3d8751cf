import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { CHILD_BUILD_DIR, REPO_ROOT, type TestNamespace, waitFor } from '@tracker/testing';

export const SERVICES = ['recommendations', 'commitments', 'follow-up'] as const;
export const APPS = [...SERVICES, 'gateway'] as const;
export type AppName = (typeof APPS)[number];

const NODE = path.join(REPO_ROOT, 'node_modules/.bin/node');
const LOG_DIR = path.join(REPO_ROOT, '.local', 'logs');

/** A port nobody listens on right now (the apps keep theirs across restarts: the gateway routes to them). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/**
 * The four apps as separate child processes (the compiled test build, as `npm run up` runs dist/), each
 * on a fixed port for the whole run, so one can be SIGKILLed and started again while the others serve.
 */
export class ChaosApps {
  private readonly children = new Map<AppName, ChildProcess>();
  private readonly ports = new Map<AppName, number>();
  private readonly logs = new Map<AppName, fs.WriteStream>();
  private starts = 0;
  private stopping = false;
  /** Apps that exited on their own (e.g. a boot that found the database down) and were started again. */
  readonly crashes: AppName[] = [];

  constructor(
    private readonly ns: TestNamespace,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  url(app: AppName): string {
    const port = this.ports.get(app);
    if (port === undefined) throw new Error(`${app} has no port yet`);
    return `http://127.0.0.1:${port}`;
  }

  get gatewayUrl(): string {
    return this.url('gateway');
  }

  async startAll(): Promise<void> {
    for (const app of APPS) this.ports.set(app, await freePort());
    fs.mkdirSync(LOG_DIR, { recursive: true });
    for (const app of APPS) this.start(app);
    await this.waitHealthy(APPS, 120_000);
  }

  private env(app: AppName): NodeJS.ProcessEnv {
    const common: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.extraEnv,
      HOST: '127.0.0.1',
      PORT: String(this.ports.get(app)),
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
      KAFKA_TOPIC_PREFIX: this.ns.topicPrefix,
      INSTANCE_ID: `${this.ns.id}-${app}-${++this.starts}`,
    };
    if (app === 'gateway')
      return {
        ...common,
        RECOMMENDATIONS_URL: this.url('recommendations'),
        COMMITMENTS_URL: this.url('commitments'),
        FOLLOW_UP_URL: this.url('follow-up'),
        // Staff under load are well below the default rate limit; the upstream timeout bounds a request
        // to an app that was just killed.
        UPSTREAM_TIMEOUT_MS: '10000',
      };
    return { ...common, MONGO_DB: this.ns.db(app) };
  }

  start(app: AppName): void {
    let log = this.logs.get(app);
    if (!log) {
      log = fs.createWriteStream(path.join(LOG_DIR, `chaos-${app}.log`), { flags: 'a' });
      this.logs.set(app, log);
    }
    log.write(`\n===== ${app} start ${new Date().toISOString()}\n`);
    const main = path.join(CHILD_BUILD_DIR, 'apps', app, 'src', 'main.js');
    const child = spawn(NODE, ['--enable-source-maps', main], {
      env: this.env(app),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    this.children.set(app, child);
    // A supervisor's restart policy (systemd, Kubernetes): an app that exits on its own comes back.
    child.once('exit', (code) => {
      if (this.stopping || code === null || this.children.get(app) !== child) return;
      this.crashes.push(app);
      log.write(`===== ${app} exited with ${code}; restarting in 1 s\n`);
      setTimeout(() => {
        if (!this.stopping && this.children.get(app) === child) this.start(app);
      }, 1_000);
    });
  }

  /** SIGKILL, wait until the process is gone. */
  async kill(app: AppName): Promise<void> {
    const child = this.children.get(app);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await gone;
  }

  async restart(app: AppName): Promise<void> {
    await this.kill(app);
    this.start(app);
  }

  /** Every app answers /health with 200 (its MongoDB, Kafka and Redis are reachable). */
  async waitHealthy(apps: readonly AppName[] = APPS, timeoutMs = 120_000): Promise<void> {
    for (const app of apps) {
      const child = this.children.get(app);
      if (!child || child.exitCode !== null || child.signalCode !== null) this.start(app);
      await waitFor(
        async () => {
          const res = await fetch(`${this.url(app)}/health`, { signal: AbortSignal.timeout(5_000) });
          return res.ok ? true : undefined;
        },
        { timeoutMs, intervalMs: 500, what: `${app} /health` },
      );
    }
  }

  /** SIGTERM (the apps drain), SIGKILL after 15 s. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await gone;
        clearTimeout(timer);
      }),
    );
    for (const log of this.logs.values()) log.end();
  }
}
