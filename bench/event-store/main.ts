import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { v7 as uuidv7 } from 'uuid';
import { GENESIS_HASH, type DomainEvent, type StoredEvent } from '@tracker/contracts';
import {
  auditIndexFields,
  EventStoreRebuildSource,
  MongoEventStore,
  positionFields,
  sealCommit,
  type AppendMetadata,
  type CommitDocument,
} from '@tracker/event-store';
import { ProjectionRebuild, type Projection } from '@tracker/projections';

/**
 * `npm run bench -- event-store`: from one run on the same server,
 *  - append events/s, 1 event per commit and 100 per commit, for our MongoEventStore and for Emmett's
 *    MongoDB event store (bench/event-store/emmett, its own node_modules: it needs the mongodb 6 driver),
 *    same writers, same streams, same payload, same time budget;
 *  - rebuild events/s over 1,000,000 events (ProjectionRebuild replaying EventStoreRebuildSource into a
 *    shadow collection, then swapping) and its ratio to a raw cursor scan of the events collection.
 * One figure per line on stdout; progress on stderr. Options: `--events N` (default 1,000,000),
 * `--seconds S` per append phase (default 15), `--writers W` (default 4). See README.md.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EMMETT_DIR = path.join(ROOT, 'bench', 'event-store', 'emmett');

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

const TOTAL_EVENTS = arg('events', 1_000_000);
const APPEND_SECONDS = arg('seconds', 15);
const WRITERS = arg('writers', 4);
/** Commits per stream in the append phases: short streams, as aggregates here are. */
const COMMITS_PER_STREAM = 5;
/** The 1M-event store: commits of 100 events over 1,000 streams, interleaved. */
const SEED_EVENTS_PER_COMMIT = 100;
const SEED_STREAMS = 1_000;
const SEED_INSERT_COMMITS = 50;

/** A recommendation-sized payload (the same object goes to both stores). */
const PAYLOAD = {
  recommendationId: '0190c1d2-7a8b-7c3d-9e0f-a1b2c3d4e5f6',
  position: 'supported',
  recordedOn: '2023-05-02',
  document: { citation: 'A/HRC/54/7 para 115.32', date: '2023-07-11' },
  note: 'Supported at the adoption of the UPR outcome; the government noted related recommendations.',
};
const METADATA: AppendMetadata = {
  actor: 'bench',
  role: 'admin',
  correlationId: 'bench',
  causationId: null,
  occurredAt: '2023-05-02T00:00:00.000Z',
};
const event = (i: number): DomainEvent => ({
  type: 'recommendation.position-recorded',
  schemaVersion: 1,
  data: { ...PAYLOAD, seq: i },
});

const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const log = (line: string): void => void process.stderr.write(`  ${line}\n`);

interface AppendFigure {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/** Our store under the workload of emmett/append.mjs: W writers, each appending to its own streams. */
const appendOurs = async (db: Db, mode: string, eventsPerCommit: number): Promise<AppendFigure> => {
  const store = new MongoEventStore(db, undefined, `append_${mode}`);
  await store.init();
  await store.append({
    streamId: `warmup-${mode}`,
    expectedVersion: 0,
    events: [event(0)],
    metadata: METADATA,
  });
  let events = 0;
  const started = performance.now();
  const deadline = started + APPEND_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      let version = 0;
      let prevHash = GENESIS_HASH;
      let stream = 0;
      for (let i = 0; performance.now() < deadline; i += 1) {
        if (i % COMMITS_PER_STREAM === 0) {
          stream += 1;
          version = 0;
          prevHash = GENESIS_HASH;
        }
        // The writer knows its stream's version and last hash from its load, as AggregateRepository does.
        const result = await store.append({
          streamId: `recommendation-${mode}-${w}-${stream}`,
          expectedVersion: version,
          events: Array.from({ length: eventsPerCommit }, (_e, k) => event(i * eventsPerCommit + k)),
          metadata: METADATA,
          prevHash,
        });
        version = result.nextExpectedVersion;
        prevHash = result.events[result.events.length - 1]!.hash;
        events += eventsPerCommit;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, eventsPerSecond: events / seconds };
};

const ensureEmmettInstalled = (): void => {
  if (existsSync(path.join(EMMETT_DIR, 'node_modules', '@event-driven-io', 'emmett-mongodb'))) return;
  log('installing bench/event-store/emmett (npm ci --prefix, its own node_modules)…');
  const npmCli = process.env.npm_execpath;
  const [cmd, args] = npmCli
    ? [process.execPath, [npmCli]]
    : [process.platform === 'win32' ? 'npm.cmd' : 'npm', [] as string[]];
  const r = spawnSync(cmd, [...args, 'ci', '--prefix', EMMETT_DIR, '--no-audit', '--no-fund'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`npm ci --prefix ${EMMETT_DIR} failed (${r.status ?? r.signal})`);
};

const appendEmmett = (url: string, dbName: string, mode: string, eventsPerCommit: number) =>
  new Promise<AppendFigure>((resolve, reject) => {
    const options = {
      url,
      db: dbName,
      mode,
      eventsPerCommit,
      writers: WRITERS,
      commitsPerStream: COMMITS_PER_STREAM,
      seconds: APPEND_SECONDS,
      payload: PAYLOAD,
    };
    const child = spawn(process.execPath, [path.join(EMMETT_DIR, 'append.mjs'), JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`emmett/append.mjs exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as AppendFigure);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });

/**
 * Writes TOTAL_EVENTS as the relay leaves them: commit documents sealed by the store's own sealCommit
 * (hash chain per stream), with their positions and pages. Written with ordered insertMany, not append
 * + relay: positioning a million events through the relay takes FerretDB most of an hour, and it is not
 * what this benchmark measures.
 */
const seed = async (store: MongoEventStore): Promise<void> => {
  const commits = Math.ceil(TOTAL_EVENTS / SEED_EVENTS_PER_COMMIT);
  const heads = new Map<string, { version: number; hash: string }>();
  let position = 1;
  let batch: CommitDocument[] = [];
  const started = performance.now();
  let lastLog = started;
  for (let c = 0; c < commits; c += 1) {
    const streamId = `recommendation-seed-${c % SEED_STREAMS}`;
    const head = heads.get(streamId) ?? { version: 0, hash: GENESIS_HASH };
    const count = Math.min(SEED_EVENTS_PER_COMMIT, TOTAL_EVENTS - c * SEED_EVENTS_PER_COMMIT);
    const recordedAt = new Date();
    const records = sealCommit(
      {
        streamId,
        expectedVersion: head.version,
        events: Array.from({ length: count }, (_, k) => event(position + k)),
        metadata: METADATA,
      },
      head.hash,
      recordedAt,
      uuidv7,
    );
    const last = records[records.length - 1]!;
    heads.set(streamId, { version: last.version, hash: last.hash });
    batch.push({
      _id: uuidv7(),
      streamId,
      version: head.version + 1,
      lastVersion: last.version,
      recordedAt,
      ...positionFields(position, position + count - 1),
      ...auditIndexFields(records, recordedAt),
      events: records,
    });
    position += count;
    if (batch.length >= SEED_INSERT_COMMITS || c === commits - 1) {
      await store.commits.insertMany(batch, { ordered: true });
      batch = [];
      if (performance.now() - lastLog > 10_000 || c === commits - 1) {
        lastLog = performance.now();
        const s = (lastLog - started) / 1000;
        log(
          `seeded ${fmt(position - 1)}/${fmt(TOTAL_EVENTS)} events (${fmt(s, 0)} s, ${fmt((position - 1) / s)} ev/s)`,
        );
      }
    }
  }
};

/** A raw cursor scan of the events collection: every commit document read, its events counted. */
const rawScan = async (store: MongoEventStore): Promise<{ events: number; seconds: number }> => {
  const started = performance.now();
  let events = 0;
  for await (const c of store.commits.find({})) events += c.events.length;
  return { events, seconds: (performance.now() - started) / 1000 };
};

interface StreamSummary {
  readonly events: number;
  readonly lastType: string;
  readonly lastPosition: number;
}

/** A small read model: one row per stream. The fold is cheap on purpose: the bench measures the runner. */
const summaries: Projection<StreamSummary> = {
  name: 'bench_stream_summary',
  route: (e: StoredEvent) => [e.streamId],
  apply: (doc, e) => ({ events: (doc?.events ?? 0) + 1, lastType: e.type, lastPosition: e.position }),
};

const main = async (): Promise<void> => {
  const url = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
  const dbName = `bench_event_store_${Date.now().toString(36)}`;
  ensureEmmettInstalled();
  const mongo = await MongoClient.connect(url, { maxPoolSize: 20 });
  const db = mongo.db(dbName);
  log(`server ${url}, database ${dbName}; ${WRITERS} writers, ${APPEND_SECONDS} s per append phase`);
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  try {
    for (const [mode, perCommit, label] of [
      ['single', 1, 'append single (1/commit)'],
      ['batched', 100, 'append batched (100/commit)'],
    ] as const) {
      log(`${label}: ours…`);
      const ours = await appendOurs(db, mode, perCommit);
      log(`  ${fmt(ours.events)} events in ${fmt(ours.seconds, 1)} s`);
      log(`${label}: emmett…`);
      const emmett = await appendEmmett(url, dbName, mode, perCommit);
      log(`  ${fmt(emmett.events)} events in ${fmt(emmett.seconds, 1)} s`);
      say(
        `${label}: ours ${fmt(ours.eventsPerSecond)} ev/s · emmett ${fmt(emmett.eventsPerSecond)} ev/s · ${fmt(ours.eventsPerSecond / emmett.eventsPerSecond, 1)}x`,
      );
    }

    const store = new MongoEventStore(db);
    await store.init();
    log(
      `seeding ${fmt(TOTAL_EVENTS)} events (${SEED_EVENTS_PER_COMMIT}/commit, ${fmt(SEED_STREAMS)} streams)…`,
    );
    await seed(store);

    log('raw scan of the events collection…');
    const raw = await rawScan(store);
    if (raw.events !== TOTAL_EVENTS) throw new Error(`raw scan saw ${raw.events} events`);
    const rawRate = raw.events / raw.seconds;
    log(`  ${fmt(raw.events)} events in ${fmt(raw.seconds, 1)} s (${fmt(rawRate)} ev/s)`);

    log('rebuild (replay in position order into the shadow collection, then swap)…');
    let lastLog = 0;
    const rebuild = new ProjectionRebuild(summaries, db, new EventStoreRebuildSource(store.commits), {
      liveCollection: summaries.name,
      shadowCollection: `${summaries.name}.rebuild`,
      mode: 'swap',
      onProgress: (p) => {
        if (Date.now() - lastLog < 10_000) return;
        lastLog = Date.now();
        log(
          `  ${p.state} ${fmt(p.done)}/${fmt(p.total)} (${fmt(p.rate)} ev/s, eta ${p.etaSeconds ?? '?'} s)`,
        );
      },
    });
    const started = performance.now();
    const result = await rebuild.run();
    const seconds = (performance.now() - started) / 1000;
    if (result.state !== 'done') throw new Error(`rebuild ${result.state}: ${result.error ?? ''}`);
    const rows = await db.collection<StreamSummary & { _id: string }>(summaries.name).find({}).toArray();
    const folded = rows.reduce((n, r) => n + r.events, 0);
    const streams = Math.min(SEED_STREAMS, Math.ceil(TOTAL_EVENTS / SEED_EVENTS_PER_COMMIT));
    if (result.done !== TOTAL_EVENTS || folded !== TOTAL_EVENTS || rows.length !== streams)
      throw new Error(
        `rebuild replayed ${result.done}, read model holds ${folded} events in ${rows.length} rows`,
      );
    const rate = TOTAL_EVENTS / seconds;
    log(`  ${fmt(TOTAL_EVENTS)} events in ${fmt(seconds, 1)} s; ${fmt(rows.length)} rows`);
    say(`rebuild: ${fmt(rate)} events/s · ${fmt((100 * rate) / rawRate)} % of raw scan`);
    say(`raw scan: ${fmt(rawRate)} events/s (${fmt(TOTAL_EVENTS)} events)`);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await mongo.close();
  }
};

main().catch((err: unknown) => {
  process.stderr.write(`bench event-store failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
