import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { MongoClient } from 'mongodb';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, signDevToken } from '@tracker/auth';
import { testNamespace } from '@tracker/testing';
import { runSeed } from '../../scripts/seed';
import { httpSeedClient, mapLimit } from '../../scripts/seed/client';
import { summariseProfile, type ProfileSummary } from './cpuprofile';
import { backlogOf, HANDLED, scrapeSums } from './metrics';
import { LagSampler, newLagStats, type LagStats } from './lag';
import { cpuDelta, groupCpu, sampleProc, serverPids } from './proc';
import {
  profileCommand,
  SERVICES,
  startServices,
  stopServices,
  type Service,
  type ServiceName,
} from './services';
import { commandCost, rawInsertRate } from './probes';
import { percentile } from '../support/percentile';
import { writeReport, type PhaseResult, type RunReport } from './report';
import {
  READ_KINDS,
  revisionOf,
  Workload,
  WRITE_KINDS,
  type BenchCommitment,
  type Role,
  type Staff,
  type Target,
} from './workload';

/**
 * `npm run bench -- e2e`: the four services as child processes on ports 3200-3203 (own databases and
 * topics), the Mali dataset seeded, then a mix of assessments, commitment updates (If-Match) and tracker
 * reads by several simulated staff driven through the gateway with autocannon at a few connection
 * levels. Prints one line per figure and writes docs/benchmarks.md. See bench/e2e/README.md.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const LEVELS = env('BENCH_E2E_CONNECTIONS', '10,50').split(',').map(Number);
const SECONDS = Number(env('BENCH_E2E_SECONDS', '30'));
const PROFILE_SECONDS = Number(env('BENCH_E2E_PROFILE_SECONDS', '15'));
const BENCH_COMMITMENTS = Number(env('BENCH_E2E_COMMITMENTS', '100'));
const CATCH_UP_SECONDS = Number(env('BENCH_E2E_CATCH_UP_SECONDS', '30'));
/** Stop after the command count (a few minutes, no report written): for work on commands per update. */
const COST_ONLY = env('BENCH_E2E_COST_ONLY', '') === '1';
const BASE_PORT = Number(env('BENCH_E2E_PORT', '3200'));
const REPORT = env('BENCH_E2E_REPORT', path.join(ROOT, 'docs', 'benchmarks.md'));
const OUT_DIR = path.join(ROOT, '.local', 'bench-e2e');
/**
 * `--instances 1,2,3`: throughput against the number of instances of every app, one fresh stack per
 * count (as `APPS_REPLICAS` runs them: a balancer per app), one level (the highest of
 * BENCH_E2E_CONNECTIONS) each; prints one line per count and writes no report.
 */
const INSTANCES = ((): number[] | null => {
  const i = process.argv.indexOf('--instances');
  if (i < 0) return null;
  const list = (process.argv[i + 1] ?? '').split(',').map(Number);
  if (list.length === 0 || !list.every((n) => Number.isInteger(n) && n >= 1 && n <= 9))
    throw new Error('--instances takes a comma-separated list of counts from 1 to 9, e.g. 1,2,3');
  return list;
})();
const INSTITUTIONS = [
  'ministry-of-justice',
  'judiciary',
  'ministry-of-reconciliation',
  'transitional-authorities',
];

const log = (m: string): void => void process.stderr.write(`[bench e2e] ${m}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly etag: string | null;
}

const token = (sub: string, role: Role, institution: string | null = null): string =>
  signDevToken({ secret: DEV_JWT_SECRET, issuer: DEFAULT_JWT_ISSUER }, { sub, role, institution });

const STAFF: Staff[] = [
  ...[1, 2, 3, 4].map((i) => ({
    sub: `bench:secretariat-${i}`,
    role: 'secretariat' as const,
    institution: null,
  })),
  { sub: 'bench:admin', role: 'admin' as const, institution: null },
  { sub: 'bench:focal-justice', role: 'focal-point' as const, institution: 'ministry-of-justice' },
  { sub: 'bench:focal-judiciary', role: 'focal-point' as const, institution: 'judiciary' },
  { sub: 'bench:auditor', role: 'auditor' as const, institution: null },
  ...[1, 2].map((i) => ({ sub: `bench:viewer-${i}`, role: 'viewer' as const, institution: null })),
].map((s) => ({ ...s, token: token(s.sub, s.role, s.institution) }));

/** What one stack did in `--instances` mode. */
interface InstancesFigures {
  readonly instances: number;
  readonly phase: PhaseResult;
}

const main = async (instances = 1): Promise<InstancesFigures | null> => {
  const infra = {
    MONGO_URL: env('MONGO_URL', 'mongodb://127.0.0.1:27017'),
    KAFKA_BROKERS: env('KAFKA_BROKERS', '127.0.0.1:9092'),
    REDIS_URL: env('REDIS_URL', 'redis://127.0.0.1:6379'),
  };
  const mongoPort = /:(\d+)/.exec(infra.MONGO_URL.replace(/^mongodb:\/\//, ''))?.[1] ?? '27017';
  const pgPort = env('PG_PORT', '54329');
  const ns = testNamespace();
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  log(
    `namespace ${ns.id}; servers ${infra.MONGO_URL} ${infra.KAFKA_BROKERS} ${infra.REDIS_URL}; load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );

  let services: Service[] = [];
  const mongo = await MongoClient.connect(infra.MONGO_URL);
  try {
    const t0 = performance.now();
    services = await startServices(ns, infra, BASE_PORT, path.join(ROOT, '.local', 'logs'), instances);
    const gateway = services.find((s) => s.name === 'gateway')!.front;
    log(`services up in ${((performance.now() - t0) / 1000).toFixed(1)} s; gateway ${gateway}`);

    const api = async (
      method: string,
      url: string,
      who: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<ApiAnswer> => {
      const res = await fetch(`${gateway}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${who}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: text ? (JSON.parse(text) as unknown) : null,
        etag: res.headers.get('etag'),
      };
    };

    // 1. The Mali dataset, as `npm run seed` loads it.
    const seedStarted = performance.now();
    const admin = token('system:seed', 'admin');
    const summaries = await runSeed(httpSeedClient(gateway, admin, log), path.join(ROOT, 'data', 'mali'));
    const seedFailed = summaries.reduce((n, s) => n + s.failed, 0);
    if (seedFailed > 0) throw new Error(`seed: ${seedFailed} items failed`);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    // 2. Commitments the staff update during the run (the dataset's 19 are history: most are lapsed).
    const auditor = STAFF.find((s) => s.role === 'auditor')!.token;
    const secretariat = STAFF.find((s) => s.role === 'secretariat')!.token;
    const listAll = async (
      query: string,
    ): Promise<{ itemId: string; kind: Target['kind']; commitment: { institutions: string[] } | null }[]> => {
      const rows: { itemId: string; kind: Target['kind']; commitment: { institutions: string[] } | null }[] =
        [];
      for (let cursor: string | null = null; ;) {
        const page = await api(
          'GET',
          `/api/tracker?limit=200${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          auditor,
        );
        if (page.status !== 200) throw new Error(`GET /api/tracker answered ${page.status}`);
        const body = page.body as { items: typeof rows; nextCursor: string | null };
        rows.push(...body.items);
        cursor = body.nextCursor;
        if (!cursor) return rows;
      }
    };
    const recommendations = (await listAll('&kind=recommendation')).map((r) => r.itemId);
    const created = await mapLimit(
      Array.from({ length: BENCH_COMMITMENTS }, (_, i) => i),
      8,
      async (i) => {
        const institutions = [INSTITUTIONS[i % INSTITUTIONS.length]!, 'government-of-mali'];
        const dueDate = new Date(Date.UTC(2030, 0, 1 + i)).toISOString().slice(0, 10);
        const res = await api('POST', '/api/commitments', secretariat, {
          title: { en: `Bench commitment ${i + 1}`, fr: null },
          text: 'Commitment created by the e2e benchmark.',
          madeAt: { forum: 'Human Rights Council', date: '2023-05-02', citation: `bench ${ns.id} #${i + 1}` },
          institutions,
          dueDate,
          linkedRecommendationIds:
            recommendations.length > 0 ? [recommendations[i % recommendations.length]!] : [],
        });
        if (res.status !== 201)
          throw new Error(`POST /api/commitments answered ${res.status}: ${JSON.stringify(res.body)}`);
        const id = (res.body as { commitmentId: string }).commitmentId;
        const c: BenchCommitment = { id, institutions, version: 1, dueDate, revision: 0, busySince: null };
        return c;
      },
    );
    // The follow-up service learns of them over Kafka: wait until the tracker has every row.
    const known = async (): Promise<number> =>
      (
        await mapLimit(
          created,
          8,
          async (c) => (await api('GET', `/api/tracker/items/${c.id}`, auditor)).status === 200,
        )
      ).filter(Boolean).length;
    for (const deadline = Date.now() + 60_000; ;) {
      const n = await known();
      if (n === created.length) break;
      if (Date.now() > deadline)
        throw new Error(`only ${n}/${created.length} bench commitments reached the tracker`);
      await sleep(500);
    }
    const rows = await listAll('');
    const targets: Target[] = rows.map((r) => ({
      id: r.itemId,
      kind: r.kind,
      institutions: r.commitment?.institutions ?? [],
    }));
    const setupSeconds = (performance.now() - t0) / 1000;
    log(
      `seeded in ${seedSeconds.toFixed(1)} s (${summaries.map((s) => `${s.created} ${s.context}`).join(', ')}); ${created.length} bench commitments; ${targets.length} tracker rows`,
    );

    const lag = new LagSampler(gateway, auditor);
    const workload = new Workload(STAFF, targets, created, lag);
    const refresh = async (): Promise<void> => {
      await mapLimit(created, 8, async (c) => {
        const res = await api('GET', `/api/commitments/${c.id}`, auditor);
        const body = res.body as { version: number; dueDate: string; text: string };
        c.version = body.version;
        c.dueDate = body.dueDate;
        c.revision = revisionOf(body.text);
      });
    };
    const servicePids = Object.fromEntries(services.map((s) => [s.name, s.child.pid!])) as Record<
      ServiceName,
      number
    >;

    const runPhase = async (connections: number, seconds: number, label: string): Promise<PhaseResult> => {
      workload.reset();
      lag.stats = newLagStats();
      await refresh();
      const servers = serverPids(mongoPort, pgPort, ROOT);
      // Per process (several instances of an app are summed under its name below).
      const proc = (s: Service): string => `${s.name}#${s.instance}`;
      const before = new Map<string, Map<number, number>>([
        ...services.map((s) => [proc(s), groupCpu([s.child.pid!])] as const),
        ...Object.entries(servers).map(([k, pids]) => [k, groupCpu(pids)] as const),
      ]);
      const handledBefore = await Promise.all(
        services.map(async (s) => (await scrapeSums(s.url)).get(HANDLED) ?? 0),
      );
      const selfBefore = process.cpuUsage();
      const maxRss = new Map<ServiceName, number>();
      const rssTimer = setInterval(() => {
        for (const s of services) {
          const rss = sampleProc(s.child.pid!)?.rssBytes ?? 0;
          maxRss.set(s.name, Math.max(maxRss.get(s.name) ?? 0, rss));
        }
      }, 500);
      const load = os.loadavg()[0]!;
      log(`${label}: ${connections} connections for ${seconds} s...`);
      const started = performance.now();
      const result = await autocannon({
        url: gateway,
        connections,
        duration: seconds,
        timeout: 10,
        requests: [workload.request()],
      });
      const elapsed = (performance.now() - started) / 1000;
      clearInterval(rssTimer);
      const selfCpu = process.cpuUsage(selfBefore);
      const serversAfter = serverPids(mongoPort, pgPort, ROOT);
      const cpu: Record<string, number> = {};
      for (const s of services)
        cpu[s.name] = (cpu[s.name] ?? 0) + cpuDelta(before.get(proc(s))!, groupCpu([s.child.pid!]));
      for (const [k, pids] of Object.entries(serversAfter))
        cpu[k] = cpuDelta(before.get(k) ?? new Map<number, number>(), groupCpu(pids));
      cpu['load generator (this bench)'] = (selfCpu.user + selfCpu.system) / 1e6;
      const loadAfter = os.loadavg()[0]!;
      const stats = workload.stats;
      log(
        `${label}: ${stats.okWrites} successful updates in ${elapsed.toFixed(1)} s; waiting for lag samples...`,
      );
      // How far behind the read models were when the load stopped, and how long they took to catch up.
      const atEnd = await Promise.all(services.map((s) => scrapeSums(s.url)));
      const handled: Record<string, number> = {};
      const backlog: Record<string, number> = {};
      services.forEach((s, i) => {
        handled[s.name] = (handled[s.name] ?? 0) + (atEnd[i]!.get(HANDLED) ?? 0) - handledBefore[i]!;
        // Every instance reads the same backlog (its consumer group's, its store's outbox): the largest.
        backlog[s.name] = Math.max(backlog[s.name] ?? 0, backlogOf(atEnd[i]!));
      });
      const catchUpStarted = performance.now();
      let caughtUp: number | null = null;
      const drained = lag.drain();
      while ((performance.now() - catchUpStarted) / 1000 < CATCH_UP_SECONDS) {
        const sums = await Promise.all(services.map((s) => scrapeSums(s.url)));
        if (sums.every((m) => m.size > 0 && backlogOf(m) === 0)) {
          caughtUp = (performance.now() - catchUpStarted) / 1000;
          break;
        }
        await sleep(1_000);
      }
      await drained;
      log(
        `${label}: backlog at end ${JSON.stringify(backlog)}, caught up ${caughtUp === null ? `not within ${CATCH_UP_SECONDS} s` : `in ${caughtUp.toFixed(1)} s`}, dead-lettered so far ${atEnd.reduce((n, m) => n + (m.get('tracker_dead_lettered_total') ?? 0), 0)}`,
      );
      const lagStats: LagStats = lag.stats;
      return {
        label,
        connections,
        seconds: elapsed,
        okWrites: stats.okWrites,
        latencyMs: stats.latencyMs,
        status: stats.status,
        lag: lagStats,
        errors: result.errors,
        timeouts: result.timeouts,
        requests: result.requests.total,
        cpuSeconds: cpu,
        maxRssBytes: Object.fromEntries(maxRss) as Record<ServiceName, number>,
        loadavg: [load, loadAfter],
        handledEvents: handled,
        backlogAtEnd: backlog,
        catchUpSeconds: caughtUp,
      };
    };

    if (INSTANCES) {
      const level = Math.max(...LEVELS);
      return {
        instances,
        phase: await runPhase(level, SECONDS, `${instances} instance(s), ${level} connections`),
      };
    }

    // What the server can do alone, and what one staff update costs it, measured in this run.
    const rawInsertPerSecond = await rawInsertRate(mongo.db(ns.db('raw')));
    log(`raw insert: ${rawInsertPerSecond.toFixed(0)}/s (8 concurrent insertOne loops, 5 s)`);
    const cost = await commandCost(services, async (i) => {
      const target = targets[i % targets.length]!;
      const res = await api(
        'POST',
        '/api/assessments',
        secretariat,
        {
          target: { kind: target.kind, id: target.id },
          status: 'in-progress',
          assessedOn: new Date().toISOString().slice(0, 10),
          evidence: [],
          note: `Command-count probe ${i + 1}`,
        },
        { 'idempotency-key': randomUUID() },
      );
      return res.status;
    });
    log(
      `idle: ${cost.idlePerSecond.toFixed(1)} commands/s; ${cost.perAssessment.toFixed(1)} commands per assessment (${cost.assessments}, one at a time)`,
    );
    log(
      `commands per assessment by service: ${cost.breakdown.map(([k, n]) => `${k} ${n.toFixed(2)}`).join(', ')}`,
    );
    if (COST_ONLY) {
      const mb = (name: ServiceName): string =>
        ((sampleProc(servicePids[name])?.peakRssBytes ?? 0) / 2 ** 20).toFixed(0);
      log(`peak RSS so far: ${SERVICES.map((name) => `${name} ${mb(name)} MB`).join(', ')}`);
      return null;
    }

    const phases: PhaseResult[] = [];
    for (const c of LEVELS) phases.push(await runPhase(c, SECONDS, `${c} connections`));

    // Peak RSS of the measured run, before the profiler adds its own memory.
    const peakRss = Object.fromEntries(
      SERVICES.map((name) => [name, sampleProc(servicePids[name])?.peakRssBytes ?? 0]),
    ) as Record<ServiceName, number>;

    // 3. Profile every service over a short extra run at the highest level (not part of the figures).
    let profiles: Partial<Record<ServiceName, ProfileSummary>> = {};
    let profilePhase: PhaseResult | null = null;
    if (PROFILE_SECONDS > 0) {
      const file = (s: Service): string => path.join(OUT_DIR, `${s.name}.cpuprofile`);
      await profileCommand(services, () => ({ kind: 'profile-start', intervalUs: 1000 }));
      profilePhase = await runPhase(Math.max(...LEVELS), PROFILE_SECONDS, 'profiled run');
      await profileCommand(services, (s) => ({ kind: 'profile-stop', file: file(s) }));
      profiles = Object.fromEntries(services.map((s) => [s.name, summariseProfile(file(s))]));
      log(`CPU profiles in ${path.relative(ROOT, OUT_DIR)}/`);
    }

    const report: RunReport = {
      date: startedAt,
      machine: {
        cores: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        ramBytes: os.totalmem(),
        kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(),
        node: process.version,
        loadBefore,
        loadAfter: os.loadavg(),
      },
      namespace: ns.id,
      lagTimeoutMs: lag.timeoutMs,
      catchUpLimitSeconds: CATCH_UP_SECONDS,
      seed: summaries.map((s) => `${s.created} ${s.context}`).join(', '),
      setupSeconds,
      benchCommitments: created.length,
      trackerRows: targets.length,
      staff: STAFF.map((s) => `${s.role}${s.institution ? ` (${s.institution})` : ''}`),
      phases,
      profilePhase,
      profiles,
      peakRssBytes: peakRss,
      writeKinds: WRITE_KINDS,
      readKinds: READ_KINDS,
      rawInsertPerSecond,
      commandCost: cost,
    };
    const lines = writeReport(report, REPORT, path.relative(ROOT, OUT_DIR));
    // The report follows the repository's formatting (`npm run format:check`).
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'prettier'), ['--write', REPORT], {
      stdio: 'ignore',
    });
    for (const l of lines) process.stdout.write(`${l}\n`);
    return null;
  } finally {
    await stopServices(services);
    for (const svc of ['recommendations', 'commitments', 'follow-up'])
      await mongo
        .db(ns.db(svc))
        .dropDatabase()
        .catch(() => undefined);
    await mongo.close();
  }
};

/** One line per instance count: what grows with instances, and what serialises across them. */
const instancesLine = ({ instances, phase }: InstancesFigures): string => {
  const lag = (q: number): string => `${Math.round(percentile(phase.lag.lagsMs, q)).toLocaleString('en')} ms`;
  let non2xx = 0;
  for (const counts of Object.values(phase.status))
    for (const [code, n] of counts) if (code < 200 || code >= 300) non2xx += n;
  return (
    `instances ${instances}: ${(phase.okWrites / phase.seconds).toFixed(1)} updates/s, ` +
    `${(phase.requests / phase.seconds).toFixed(1)} requests/s at ${phase.connections} connections; ` +
    `lag p50 ${lag(50)}, p99 ${lag(99)} (${phase.lag.lagsMs.length} samples, ${phase.lag.timedOut} timed out); ` +
    `backlog at end ${Object.values(phase.backlogAtEnd).reduce((a, b) => a + b, 0)}, ` +
    `caught up ${phase.catchUpSeconds === null ? `not within ${CATCH_UP_SECONDS} s` : `in ${phase.catchUpSeconds.toFixed(1)} s`}; ` +
    `non-2xx ${non2xx}; load ${phase.loadavg.map((l) => l.toFixed(1)).join('→')}`
  );
};

const runAll = async (): Promise<void> => {
  if (!INSTANCES) {
    await main();
    return;
  }
  const lines: string[] = [];
  for (const n of INSTANCES) {
    const figures = await main(n);
    if (figures) lines.push(instancesLine(figures));
    log(lines.at(-1) ?? `instances ${n}: no figures`);
  }
  for (const l of lines) process.stdout.write(`${l}\n`);
};

runAll().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench e2e failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
