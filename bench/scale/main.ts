import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, signDevToken } from '@tracker/auth';
import { testNamespace } from '@tracker/testing';
import { runSeed } from '../../scripts/seed';
import { httpSeedClient } from '../../scripts/seed/client';
import { percentile } from '../support/percentile';
import { importResearchCsv, projectionEventsHandled, RESEARCH_YEARS } from '../support/research-import';
import { scrapeSums } from '../e2e/metrics';
import { commandsByName } from '../e2e/probes';
import { cpuDelta, groupCpu, serverPids } from '../e2e/proc';
import { startServices, stopServices, type Service } from '../e2e/services';

/**
 * `npm run bench -- scale`: the four apps as child processes (own databases and topics), the Mali
 * dataset seeded, then the 19,891 research rows of test/fixtures/upr-2008-2011 imported through the
 * gateway. Prints the time until every read model holds every row, then each hot query's p50/p99
 * through the gateway at that size, and that time as a share of a full read of the collection it
 * serves from, measured in the same run. See bench/scale/README.md.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const BASE_PORT = Number(env('BENCH_SCALE_PORT', '3300'));
const SAMPLES = Number(env('BENCH_SCALE_SAMPLES', '40'));
/** A query slower than this is sampled fewer times: the figure is clear after a few. */
const QUERY_BUDGET_MS = Number(env('BENCH_SCALE_QUERY_BUDGET_MS', '20000'));
const CATCH_UP_LIMIT_MS = Number(env('BENCH_SCALE_CATCH_UP_LIMIT_S', '1200')) * 1000;

const log = (m: string): void => void process.stderr.write(`[bench scale] ${m}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number): string => (ms / 1000).toFixed(1);

interface HotQuery {
  readonly name: string;
  readonly url: string;
  /** The collection (database, name) the query is served from, for the full-scan comparison. */
  readonly from: { readonly db: string; readonly collection: string };
}

const main = async (): Promise<void> => {
  const infra = {
    MONGO_URL: env('MONGO_URL', 'mongodb://127.0.0.1:27017'),
    KAFKA_BROKERS: env('KAFKA_BROKERS', '127.0.0.1:9092'),
    REDIS_URL: env('REDIS_URL', 'redis://127.0.0.1:6379'),
  };
  const ns = testNamespace();
  log(
    `namespace ${ns.id}; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const token = (role: 'admin' | 'secretariat' | 'auditor'): string =>
    signDevToken({ secret: DEV_JWT_SECRET, issuer: DEFAULT_JWT_ISSUER }, { sub: `bench:${role}`, role });
  const admin = token('admin');
  const staff = token('secretariat');
  const auditor = token('auditor');
  const mongoPort = /:(\d+)/.exec(infra.MONGO_URL.replace(/^mongodb:\/\//, ''))?.[1] ?? '27017';
  const pgPort = env('PG_PORT', '54329');
  const mongo = await MongoClient.connect(infra.MONGO_URL);
  let services: Service[] = [];
  try {
    services = await startServices(ns, infra, BASE_PORT, path.join(ROOT, '.local', 'logs'));
    const byName = (n: Service['name']): Service => services.find((s) => s.name === n)!;
    const gateway = byName('gateway').url;
    // Audit reads are the auditor's; everything else the secretariat's.
    const get = async (url: string): Promise<{ status: number; body: unknown }> => {
      const who = url.startsWith('/api/audit/') ? auditor : staff;
      const res = await fetch(`${gateway}${url}`, { headers: { authorization: `Bearer ${who}` } });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    };

    // 1. The Mali dataset, as `npm run up` loads it.
    const seeded = await runSeed(httpSeedClient(gateway, admin, log), path.join(ROOT, 'data', 'mali'));
    if (seeded.some((s) => s.failed > 0)) throw new Error('seed: some items failed');
    const base = {
      catalogue: await projectionEventsHandled(byName('recommendations').url, 'recommendation_catalogue'),
      tracker: await projectionEventsHandled(byName('follow-up').url, 'tracker_items'),
    };

    // 2. The research rows through the gateway, timed until both read models applied every one, with
    // the CPU each process used meanwhile (what the 30 s target is spent on).
    const processes = (): Map<string, number[]> =>
      new Map<string, number[]>([
        ...services.map((s): [string, number[]] => [s.name, [s.child.pid!]]),
        ...Object.entries(serverPids(mongoPort, pgPort, ROOT)),
      ]);
    const cpuBefore = new Map([...processes()].map(([k, pids]) => [k, groupCpu(pids)]));
    const commandsBefore = await commandsByName(services);
    const started = performance.now();
    let created = 0;
    for (const year of RESEARCH_YEARS) {
      created += (await importResearchCsv(gateway, admin, year)).created;
      log(`${year}.csv imported (${created} rows created, ${seconds(performance.now() - started)} s)`);
    }
    const requestsDone = performance.now();
    let caughtUp = { catalogue: 0, tracker: 0 };
    for (let lastShown = 0; ;) {
      const catalogue =
        (await projectionEventsHandled(byName('recommendations').url, 'recommendation_catalogue')) -
        base.catalogue;
      const tracker =
        (await projectionEventsHandled(byName('follow-up').url, 'tracker_items')) - base.tracker;
      const now = performance.now();
      if (catalogue >= created && caughtUp.catalogue === 0) caughtUp = { ...caughtUp, catalogue: now };
      if (tracker >= created && caughtUp.tracker === 0) caughtUp = { ...caughtUp, tracker: now };
      if (caughtUp.catalogue > 0 && caughtUp.tracker > 0) break;
      if (now - started > CATCH_UP_LIMIT_MS)
        throw new Error(`read models not caught up after ${seconds(CATCH_UP_LIMIT_MS)} s`);
      if (now - lastShown > 5_000) {
        const relay = (await scrapeSums(byName('recommendations').url)).get('tracker_outbox_lag_events') ?? 0;
        log(
          `read models: catalogue ${catalogue}/${created}, tracker ${tracker}/${created}, recommendations relay backlog ${relay} (${seconds(now - started)} s)`,
        );
        lastShown = now;
      }
      await sleep(200);
    }
    const caughtUpAt = Math.max(caughtUp.catalogue, caughtUp.tracker);
    const cpuUsed = [...processes()]
      .map(
        ([k, pids]) => [k, cpuDelta(cpuBefore.get(k) ?? new Map<number, number>(), groupCpu(pids))] as const,
      )
      .sort((a, b) => b[1] - a[1]);
    const cpuLine = `CPU from the first upload until caught up (${seconds(caughtUpAt - started)} s × ${os.cpus().length} cores): ${cpuUsed
      .map(([k, s]) => `${k} ${s.toFixed(1)} s`)
      .join(', ')}; total ${cpuUsed.reduce((n, [, s]) => n + s, 0).toFixed(1)} s`;
    log(cpuLine);
    const commandsUsed = [...(await commandsByName(services))]
      .map(([k, n]) => [k, n - (commandsBefore.get(k) ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    const commandsLine = `MongoDB-wire commands meanwhile: ${commandsUsed
      .reduce((n, [, c]) => n + c, 0)
      .toFixed(0)}; most: ${commandsUsed
      .slice(0, 12)
      .map(([k, n]) => `${k} ${n.toFixed(0)}`)
      .join(', ')}`;
    log(commandsLine);

    // 3. What the hot queries need to name: a theme, a cluster, an item and its id.
    const page = (await get('/api/tracker?limit=200&kind=recommendation')).body as {
      items: { itemId: string; themes: string[]; clusters: string[] }[];
    };
    const themed = page.items.find((i) => i.themes.length > 0) ?? page.items[0]!;
    const clustered = page.items.find((i) => i.clusters.length > 0) ?? themed;
    const theme = themed.themes[0] ?? 'torture';
    const cluster = clustered.clusters[0] ?? 'none';
    const itemId = themed.itemId;
    const second = (await get('/api/tracker?limit=50')).body as { nextCursor: string | null };
    const recPage = (await get('/api/recommendations?limit=50&sort=-date')).body as {
      nextCursor: string | null;
    };
    const dbs = {
      recommendations: ns.db('recommendations'),
      followUp: ns.db('follow-up'),
      commitments: ns.db('commitments'),
    };
    const tracker = { db: dbs.followUp, collection: 'tracker_items' };
    const catalogue = { db: dbs.recommendations, collection: 'recommendation_catalogue' };
    const events = { db: dbs.recommendations, collection: 'events' };
    const cursor = (c: string | null): string => (c ? `&cursor=${encodeURIComponent(c)}` : '');
    const queries: HotQuery[] = [
      { name: 'tracker page', url: '/api/tracker?limit=50', from: tracker },
      { name: 'tracker page 2', url: `/api/tracker?limit=50${cursor(second.nextCursor)}`, from: tracker },
      { name: 'tracker kind', url: '/api/tracker?limit=50&kind=commitment', from: tracker },
      { name: 'tracker theme', url: `/api/tracker?limit=50&theme=${theme}`, from: tracker },
      { name: 'tracker status', url: '/api/tracker?limit=50&status=none', from: tracker },
      { name: 'tracker cluster', url: `/api/tracker?limit=50&cluster=${cluster}`, from: tracker },
      { name: 'tracker overdue', url: '/api/tracker?limit=50&overdue=true', from: tracker },
      { name: 'tracker assessed', url: '/api/tracker?limit=50&hasAssessment=true', from: tracker },
      { name: 'tracker q', url: '/api/tracker?limit=50&q=torture', from: tracker },
      { name: 'tracker q, two words', url: '/api/tracker?limit=50&q=women%20violence', from: tracker },
      { name: 'tracker item', url: `/api/tracker/items/${itemId}`, from: tracker },
      { name: 'dashboard', url: '/api/dashboard', from: tracker },
      { name: 'catalogue q', url: '/api/recommendations?limit=50&q=torture', from: catalogue },
      { name: 'catalogue entity', url: '/api/recommendations?limit=50&entity=France', from: catalogue },
      { name: 'catalogue theme', url: `/api/recommendations?limit=50&theme=${theme}`, from: catalogue },
      { name: 'catalogue cluster', url: `/api/recommendations?limit=50&cluster=${cluster}`, from: catalogue },
      { name: 'catalogue by date', url: '/api/recommendations?limit=50&sort=-date', from: catalogue },
      { name: 'catalogue by citation', url: '/api/recommendations?limit=50&sort=citation', from: catalogue },
      { name: 'catalogue by update', url: '/api/recommendations?limit=50&sort=-updated', from: catalogue },
      {
        name: 'catalogue page 2',
        url: `/api/recommendations?limit=50&sort=-date${cursor(recPage.nextCursor)}`,
        from: catalogue,
      },
      { name: 'catalogue item', url: `/api/recommendations/${itemId}`, from: catalogue },
      {
        name: 'alert feed',
        url: '/api/alerts?limit=50',
        from: { db: dbs.followUp, collection: 'alerts' },
      },
      {
        name: 'audit mentions',
        url: `/api/audit/recommendations/events?mentions=${itemId}&limit=100`,
        from: events,
      },
      {
        name: 'audit stream',
        url: `/api/audit/recommendations/streams/recommendation-${itemId}`,
        from: events,
      },
      { name: 'timeline', url: `/api/audit/timeline?item=${itemId}`, from: events },
    ];

    // 4. Each hot query, sequentially, then a full read of its collection for scale.
    const fullRead = new Map<string, number>();
    const fullReadOf = async (from: HotQuery['from']): Promise<number> => {
      const key = `${from.db}.${from.collection}`;
      const known = fullRead.get(key);
      if (known !== undefined) return known;
      const t = performance.now();
      const docs = await mongo.db(from.db).collection(from.collection).find({}).toArray();
      const ms = performance.now() - t;
      log(`full read of ${from.collection}: ${docs.length} documents in ${ms.toFixed(0)} ms`);
      fullRead.set(key, ms);
      return ms;
    };
    const lines: string[] = [];
    let worst = 0;
    for (const q of queries) {
      const times: number[] = [];
      let status = 0;
      const budgetStart = performance.now();
      for (let i = 0; i < SAMPLES && (i < 3 || performance.now() - budgetStart < QUERY_BUDGET_MS); i += 1) {
        const t = performance.now();
        status = (await get(q.url)).status;
        times.push(performance.now() - t);
        if (status !== 200) throw new Error(`${q.name}: ${q.url} answered ${status}`);
      }
      const p50 = percentile(times, 50);
      const p99 = percentile(times, 99);
      worst = Math.max(worst, p99);
      const share = (100 * p50) / (await fullReadOf(q.from));
      lines.push(
        `query ${q.name}: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, ${share.toFixed(1)} % of a full read (${times.length} samples)`,
      );
      log(lines[lines.length - 1]!);
    }

    const rows = created + seeded.reduce((n, s) => n + s.created, 0);
    process.stdout.write(
      [
        `scale: ${created} rows imported (${rows} with the Mali dataset); requests ${seconds(requestsDone - started)} s`,
        `read models caught up: catalogue ${seconds(caughtUp.catalogue - started)} s, tracker ${seconds(caughtUp.tracker - started)} s, all ${seconds(caughtUpAt - started)} s after the first upload`,
        cpuLine,
        commandsLine,
        ...lines,
        `worst hot query p99: ${worst.toFixed(0)} ms (target 150 ms)`,
        '',
      ].join('\n'),
    );
  } finally {
    await stopServices(services);
    await mongo.close();
  }
};

main().catch((err: unknown) => {
  process.stderr.write(
    `[bench scale] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
