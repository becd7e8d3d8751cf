import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { CHILD_BUILD_DIR, REPO_ROOT, type TestNamespace, waitFor } from '@tracker/testing';

export const SERVICES = ['recommendations', 'commitments', 'follow-up'] as const;
export const APPS = [...SERVICES, 'gateway'] as const;
export type AppName = (typeof APPS)[number];

const NODE = path.join(REPO_ROOT, 'node_modules/.bin/node');
const BALANCER = path.join(REPO_ROOT, 'deploy/local/balancer.mjs');
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

const alive = (child: ChildProcess | undefined): child is ChildProcess =>
  child !== undefined && child.exitCode === null && child.signalCode === null;

export interface ChaosAppsOptions {
  /**
   * Instances of each app. Above 1, each app's instances sit behind a balancer
   * (deploy/local/balancer.mjs: round-robin per connection, as a Kubernetes Service) on the app's URL;
   * the gateways reach the services through theirs. Instances 1..replicas get ports; `start(app, i)`
   * brings up any of them (scaling up), `stop(app, i)` takes it down gracefully (scaling down).
   */
  readonly replicas?: number;
  /** The apps' LOG_LEVEL (default CHAOS_LOG_LEVEL, else warn); `info` logs each consumer-group join. */
  readonly logLevel?: string;
}

/**
 * The four apps as separate child processes (the compiled test build, as `npm run up` runs dist/), each
 * on a fixed port for the whole run, so one can be SIGKILLed and started again while the others serve.
 */
export class ChaosApps {
  /** `<app>#<instance>` → its process. */
  private readonly children = new Map<string, ChildProcess>();
  private readonly ports = new Map<string, number>();
  private readonly balancers: ChildProcess[] = [];
  private readonly logs = new Map<string, fs.WriteStream>();
  private starts = 0;
  private stopping = false;
  readonly replicas: number;
  private readonly logLevel: string;
  /** Apps that exited on their own (e.g. a boot that found the database down) and were started again. */
  readonly crashes: AppName[] = [];

  constructor(
    private readonly ns: TestNamespace,
    private readonly extraEnv: Record<string, string> = {},
    options: ChaosAppsOptions = {},
  ) {
    this.replicas = options.replicas ?? 1;
    this.logLevel = options.logLevel ?? process.env.CHAOS_LOG_LEVEL ?? 'warn';
  }

  /** What clients of an app use: the app itself, or its balancer when it has replicas. */
  url(app: AppName): string {
    const port = this.ports.get(app);
    if (port === undefined) throw new Error(`${app} has no port yet`);
    return `http://127.0.0.1:${port}`;
  }

  get gatewayUrl(): string {
    return this.url('gateway');
  }

  private key(app: AppName, instance: number): string {
    return this.replicas === 1 ? app : `${app}#${instance}`;
  }

  private instanceUrl(app: AppName, instance: number): string {
    return `http://127.0.0.1:${this.ports.get(this.key(app, instance))}`;
  }

  /** The instances of an app that run now. */
  running(app: AppName): number[] {
    return this.instances().filter((i) => alive(this.children.get(this.key(app, i))));
  }

  private instances(): number[] {
    return Array.from({ length: this.replicas }, (_, i) => i + 1);
  }

  /** Every app with all its instances (`initial`: fewer of some, to scale them up later). */
  async startAll(initial: Partial<Record<AppName, number>> = {}): Promise<void> {
    for (const app of APPS) {
      this.ports.set(app, await freePort());
      if (this.replicas > 1)
        for (const i of this.instances()) this.ports.set(this.key(app, i), await freePort());
    }
    fs.mkdirSync(LOG_DIR, { recursive: true });
    if (this.replicas > 1)
      for (const app of APPS) {
        const targets = this.instances().map((i) => String(this.ports.get(this.key(app, i))));
        const balancer = spawn(NODE, [BALANCER, String(this.ports.get(app)), ...targets], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        balancer.stdout.pipe(this.log(`${app}-lb`), { end: false });
        balancer.stderr.pipe(this.log(`${app}-lb`), { end: false });
        this.balancers.push(balancer);
      }
    for (const app of APPS)
      for (const i of this.instances().slice(0, initial[app] ?? this.replicas)) this.start(app, i);
    await this.waitHealthy(APPS, 120_000);
  }

  private log(name: string): fs.WriteStream {
    let log = this.logs.get(name);
    if (!log) {
      log = fs.createWriteStream(path.join(LOG_DIR, `chaos-${name.replace('#', '-')}.log`), { flags: 'a' });
      this.logs.set(name, log);
    }
    return log;
  }

  private env(app: AppName, instance: number): NodeJS.ProcessEnv {
    const common: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.extraEnv,
      HOST: '127.0.0.1',
      PORT: String(this.ports.get(this.key(app, instance))),
      LOG_LEVEL: this.logLevel,
      KAFKA_TOPIC_PREFIX: this.ns.topicPrefix,
      INSTANCE_ID: `${this.ns.id}-${app}-${instance}-${++this.starts}`,
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

  start(app: AppName, instance = 1): void {
    const key = this.key(app, instance);
    const log = this.log(key);
    log.write(`\n===== ${key} start ${new Date().toISOString()}\n`);
    const main = path.join(CHILD_BUILD_DIR, 'apps', app, 'src', 'main.js');
    const child = spawn(NODE, ['--enable-source-maps', main], {
      env: this.env(app, instance),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    this.children.set(key, child);
    // A supervisor's restart policy (systemd, Kubernetes): an app that exits on its own comes back.
    child.once('exit', (code) => {
      if (this.stopping || code === null || this.children.get(key) !== child) return;
      this.crashes.push(app);
      log.write(`===== ${key} exited with ${code}; restarting in 1 s\n`);
      setTimeout(() => {
        if (!this.stopping && this.children.get(key) === child) this.start(app, instance);
      }, 1_000);
    });
  }

  /** SIGKILL, wait until the process is gone. */
  async kill(app: AppName, instance = 1): Promise<void> {
    await this.signal(app, instance, 'SIGKILL');
  }

  /** SIGTERM (the app drains its consumers, workers and requests), SIGKILL after 15 s; gone for good. */
  async stop(app: AppName, instance = 1): Promise<void> {
    const key = this.key(app, instance);
    const child = this.children.get(key);
    this.children.delete(key); // no supervisor restart: scaled down
    if (!alive(child)) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  }

  private async signal(app: AppName, instance: number, signal: NodeJS.Signals): Promise<void> {
    const child = this.children.get(this.key(app, instance));
    if (!alive(child)) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await gone;
  }

  async restart(app: AppName, instance = 1): Promise<void> {
    await this.kill(app, instance);
    this.start(app, instance);
  }

  /**
   * Every running instance answers /health with 200 (its MongoDB, Kafka and Redis are reachable); an
   * instance that died and was not stopped on purpose is started again first.
   */
  async waitHealthy(apps: readonly AppName[] = APPS, timeoutMs = 120_000): Promise<void> {
    for (const app of apps)
      for (const i of this.instances()) {
        const key = this.key(app, i);
        if (!this.children.has(key)) continue; // never started, or scaled down
        if (!alive(this.children.get(key))) this.start(app, i);
        await this.healthy(this.replicas === 1 ? this.url(app) : this.instanceUrl(app, i), key, timeoutMs);
      }
  }

  /** An instance answers /health with 200. */
  async healthy(url: string, what: string, timeoutMs = 120_000): Promise<void> {
    await waitFor(
      async () => {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
        return res.ok ? true : undefined;
      },
      { timeoutMs, intervalMs: 500, what: `${what} /health` },
    );
  }

  /** One instance healthy again after a (re)start. */
  async waitInstance(app: AppName, instance: number, timeoutMs = 120_000): Promise<void> {
    await this.healthy(this.instanceUrl(app, instance), this.key(app, instance), timeoutMs);
  }

  /** SIGTERM (the apps drain), SIGKILL after 15 s; the balancers last. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children.values()].map(async (child) => {
        if (!alive(child)) return;
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await gone;
        clearTimeout(timer);
      }),
    );
    for (const b of this.balancers) if (alive(b)) b.kill('SIGTERM');
    for (const log of this.logs.values()) log.end();
  }
}
