import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { type Db, MongoClient } from 'mongodb';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, signDevToken, type Role } from '@tracker/auth';
import { deadLetterTopic, prefixedTopic, Topics } from '@tracker/contracts';
import { REPO_ROOT, testNamespace, waitFor } from '@tracker/testing';
import { APPS, ChaosApps } from './support/apps';
import {
  countWrites,
  formatFigures,
  markerCounts,
  outboxPending,
  readModelMismatches,
  type ScenarioFigures,
  scanStore,
} from './support/checks';
import { StaffLoad, type StaffItems } from './support/load';
import {
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../support/webhook-receiver';

/*
 * Chaos under load (npm run test:chaos; docs/reliability.md, "Chaos"). The four apps run as child
 * processes against the real servers (FerretDB on PostgreSQL, the 3-broker Kafka, Redis); simulated staff
 * post assessments and commitment revisions and read the tracker through the gateway while one fault
 * happens per scenario. Afterwards every acknowledged write must be in the event store and the read
 * models exactly once, the outbox drained, and each commitment due during the fault must have lapsed
 * once, reached the alert feed once and been delivered to the webhook subscriber.
 */

const exec = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STAFF = Number(process.env.CHAOS_STAFF ?? 4);
const ALERTS_PER_SCENARIO = 4;
const SETTLE_TIMEOUT_MS = 240_000;

const ns = testNamespace();
const runId = ns.id;
const token = (role: Role, sub = `chaos-${role}`): string =>
  signDevToken({ secret: DEV_JWT_SECRET, issuer: DEFAULT_JWT_ISSUER }, { sub, role });
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** deploy/local scripts, asynchronously: the load keeps running while a server restarts. */
const infra = async (script: string, ...args: string[]): Promise<void> => {
  // Without MONGO_URL: given one, mongo.sh would only check an external server instead of starting ours.
  const { MONGO_URL: _external, ...env } = process.env;
  await exec('bash', [path.join(REPO_ROOT, 'deploy/local', script), ...args], { env, timeout: 300_000 });
};

interface Delivery {
  readonly webhookId: string;
  readonly type: string;
  readonly commitmentId?: string;
  readonly alertId?: string;
}

/** What the chaos checks read from a delivery (its body is the signed event). */
const deliveryOf = (r: ReceivedRequest): Delivery | null => {
  try {
    const body = JSON.parse(r.body) as { type: string; data: { commitmentId?: string; alertId?: string } };
    return {
      webhookId: String(r.headers['webhook-id'] ?? ''),
      type: body.type,
      commitmentId: body.data.commitmentId,
      alertId: body.data.alertId,
    };
  } catch {
    return null; // not ours
  }
};

const report = (line: string): void => {
  process.stdout.write(`${line}\n`);
  if (process.env.CHAOS_REPORT) fs.appendFileSync(process.env.CHAOS_REPORT, `${line}\n`);
};

describe('chaos: faults under steady load through the gateway', () => {
  const apps = new ChaosApps(ns, {
    DEADLINE_RECONCILE_INTERVAL_MS: '2000',
    DEADLINE_REMINDER_LEAD_TIMES: '',
  });
  const admin = `Bearer ${token('admin')}`;
  let hook: WebhookReceiver;
  let client: MongoClient;
  let dbs: { followUp: Db; commitments: Db };
  let load: StaffLoad;
  const staff: StaffItems[] = [];

  const api = async (
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${apps.gatewayUrl}${url}`, {
      method,
      headers: {
        Authorization: admin,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
  const must = async (method: string, url: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await api(method, url, body);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Record<string, unknown>;
  };
  const createCommitment = async (title: string, dueDate: string): Promise<string> =>
    String(
      (
        await must('POST', '/api/commitments', {
          title: { en: title },
          text: 'Mali undertook to adopt the draft law on gender-based violence.',
          madeAt: { forum: 'UPR 2023', date: '2023-05-02', citation: 'A/HRC/53/7' },
          institutions: ['ministry-of-justice'],
          dueDate,
          dueDateKind: 'secretariat-target',
          dueDateNote: null,
        })
      ).commitmentId,
    );

  beforeAll(async () => {
    hook = await startWebhookReceiver();
    await apps.startAll();
    client = await MongoClient.connect(process.env.MONGO_URL!);
    dbs = { followUp: client.db(ns.db('follow-up')), commitments: client.db(ns.db('commitments')) };
    await must('POST', '/api/subscriptions', { url: `${hook.url}/hook`, eventTypes: ['commitment.lapsed'] });
    for (let i = 0; i < STAFF; i++) {
      const rec = await must('POST', '/api/recommendations', {
        mechanism: 'upr',
        recommendingEntities: ['Ecuador'],
        document: { citation: `UPR Mali 2023 — chaos staff ${i}`, date: '2023-05-02' },
        text: { en: `Adopt the law on gender-based violence (chaos staff ${i})` },
        published: true,
      });
      const recommendationId = String(rec.recommendationId);
      staff.push({
        recommendationId,
        commitmentId: await createCommitment(`Chaos staff ${i}`, '2030-12-31'),
      });
    }
    await waitFor(
      async () => {
        for (const s of staff)
          for (const id of [s.commitmentId, s.recommendationId])
            if ((await api('GET', `/api/tracker/items/${id}`)).status !== 200) return undefined;
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the staff items in the tracker' },
    );
    load = new StaffLoad(
      () => apps.gatewayUrl,
      (i) => token('secretariat', `chaos-staff-${i}`),
      staff,
      runId,
      yesterday,
    );
  }, 300_000);

  afterAll(async () => {
    // The apps first: whatever else fails or hangs, no child process outlives the suite.
    const stopping = load?.stop();
    await apps.stopAll();
    await stopping;
    await hook?.close();
    if (client) {
      const drop = Promise.all(
        APPS.map((app) =>
          client
            .db(ns.db(app))
            .dropDatabase()
            .catch(() => undefined),
        ),
      );
      await Promise.race([drop, sleep(20_000)]);
      await client.close(true);
    }
  }, 180_000);

  it('topics are replicated on all three brokers (replication factor 3 from the brokers’ default)', async () => {
    const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    const adminClient = kafka.admin();
    await adminClient.connect();
    try {
      const topics = Object.values(Topics).flatMap((t) => [
        prefixedTopic(ns.topicPrefix, t),
        prefixedTopic(ns.topicPrefix, deadLetterTopic(t)),
      ]);
      const existing = new Set(await adminClient.listTopics());
      const { topics: meta } = await adminClient.fetchTopicMetadata({
        topics: topics.filter((t) => existing.has(t)),
      });
      expect(meta.length).toBeGreaterThanOrEqual(3);
      for (const t of meta) for (const p of t.partitions) expect(p.replicas).toHaveLength(3);
    } finally {
      await adminClient.disconnect();
    }
  });

  /**
   * Runs one scenario: load for 5 s, the fault, load again until the last alert is due (+10 s), then
   * waits for the system to settle and checks. `windowMs`: the commitments created for this scenario fall
   * due at even intervals over this long from the start of the fault.
   */
  const scenario = async (name: string, windowMs: number, fault: () => Promise<string>): Promise<void> => {
    const faultAt = Date.now() + 8_000;
    const dues = Array.from({ length: ALERTS_PER_SCENARIO }, (_, k) =>
      new Date(faultAt + (windowMs * (k + 0.5)) / ALERTS_PER_SCENARIO).toISOString(),
    );
    const alertIds = await Promise.all(
      dues.map((due, k) => createCommitment(`Chaos ${name} alert ${k}`, due)),
    );
    load.start(name);
    let faults: string;
    try {
      await sleep(Math.max(0, faultAt - Date.now()));
      faults = await fault();
      await sleep(Math.max(10_000, Date.parse(dues.at(-1)!) + 10_000 - Date.now()));
    } catch (err) {
      await load.stop();
      throw err;
    }
    const loadFigures = await load.stop();
    await apps.waitHealthy();

    const settleStart = Date.now();
    const measure = async () => {
      const [fu, co] = await Promise.all([scanStore(dbs.followUp), scanStore(dbs.commitments)]);
      const rec = await scanStore(client.db(ns.db('recommendations')));
      const counts = {
        assessment: markerCounts(fu.events, 'assessment.recorded', 'note'),
        revision: markerCounts(co.events, 'commitment.revised', 'text'),
      };
      const writes = countWrites(loadFigures.acked, counts, `:${name}:`);
      const mismatched = await readModelMismatches(
        dbs,
        { followUp: fu.events, commitments: co.events },
        {
          commitments: [...staff.map((s) => s.commitmentId), ...alertIds],
          recommendations: staff.map((s) => s.recommendationId),
        },
      );
      const lapses = new Map<string, number>();
      for (const e of co.events)
        if (e.type === 'commitment.lapsed') lapses.set(e.streamId, (lapses.get(e.streamId) ?? 0) + 1);
      const feed = await api('GET', '/api/alerts?type=commitment.lapsed&limit=200');
      const feedItems = feed.status === 200 ? (feed.body as { items: { itemId: string }[] }).items : [];
      const hooks = hook.received
        .map(deliveryOf)
        .filter((d): d is Delivery => d !== null && d.type === 'commitment.lapsed');
      let fired = 0;
      let duplicated = 0;
      for (const id of alertIds) {
        const events = lapses.get(`commitment-${id}`) ?? 0;
        const inFeed = feedItems.filter((a) => a.itemId === id).length;
        const alerts = new Set(hooks.filter((d) => d.commitmentId === id).map((d) => d.alertId)).size;
        if (events > 1 || inFeed > 1 || alerts > 1) duplicated++;
        if (events >= 1 && inFeed >= 1 && alerts >= 1) fired++;
      }
      const mine = hooks.filter((d) => d.commitmentId !== undefined && alertIds.includes(d.commitmentId));
      const figures: ScenarioFigures = {
        scenario: name,
        faults,
        acknowledged: loadFigures.acked.length,
        found: writes.found,
        duplicates: writes.duplicates.length,
        missing: writes.missing.length,
        readModelMissing: loadFigures.acked.filter((a) => mismatched.has(a.itemId)).length,
        outboxPending: outboxPending(fu) + outboxPending(co) + outboxPending(rec),
        alertsExpected: alertIds.length,
        alertsFired: fired,
        alertDuplicates: duplicated,
        alertsMissing: alertIds.length - fired,
        webhookRedeliveries: mine.length - new Set(mine.map((d) => d.webhookId)).size,
        unacknowledged: loadFigures.unacknowledged,
        refused: loadFigures.refused.length,
        settledInMs: Date.now() - settleStart,
      };
      return { figures, details: { ...writes, mismatched: [...mismatched], refused: loadFigures.refused } };
    };
    const settled = (m: Awaited<ReturnType<typeof measure>>): boolean =>
      m.figures.missing === 0 &&
      m.figures.readModelMissing === 0 &&
      m.details.mismatched.length === 0 &&
      m.figures.outboxPending === 0 &&
      m.figures.alertsMissing === 0;
    let last = await measure();
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    while (!settled(last) && Date.now() < deadline) {
      await sleep(2_000);
      last = await measure();
    }
    // A moment more for anything late (a redelivered job, a second lapse) to show, then the final count.
    await sleep(5_000);
    const settledIn = last.figures.settledInMs;
    last = await measure();
    const figures = { ...last.figures, settledInMs: settledIn };
    report(formatFigures(figures));
    if (!settled(last) || figures.duplicates > 0 || figures.alertDuplicates > 0 || figures.refused > 0)
      process.stderr.write(`chaos ${name} details: ${JSON.stringify(last.details).slice(0, 4_000)}\n`);
    expect(figures.acknowledged).toBeGreaterThan(0);
    expect({
      duplicates: last.details.duplicates,
      missing: last.details.missing,
      readModels: last.details.mismatched,
      outboxPending: figures.outboxPending,
      alertsMissing: figures.alertsMissing,
      alertDuplicates: figures.alertDuplicates,
      refused: last.details.refused,
    }).toEqual({
      duplicates: [],
      missing: [],
      readModels: [],
      outboxPending: 0,
      alertsMissing: 0,
      alertDuplicates: 0,
      refused: [],
    });
  };

  it('(1) a random app SIGKILLed every 4-7 s for 60 s and started again', async () => {
    await scenario('app-kills', 60_000, async () => {
      const killed: Record<string, number> = {};
      const end = Date.now() + 60_000;
      while (Date.now() < end) {
        const app = APPS[Math.floor(Math.random() * APPS.length)]!;
        await apps.restart(app);
        killed[app] = (killed[app] ?? 0) + 1;
        await sleep(4_000 + Math.random() * 3_000);
      }
      const total = Object.values(killed).reduce((a, b) => a + b, 0);
      return `${total} SIGKILLs (${Object.entries(killed)
        .map(([a, n]) => `${a} ${n}`)
        .join(', ')})`;
    });
  }, 600_000);

  it('(2) the Kafka broker leading the partitions written to SIGKILLed, then started again', async () => {
    await scenario('kafka-leader', 40_000, async () => {
      const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
      const adminClient = kafka.admin();
      await adminClient.connect();
      const topic = prefixedTopic(ns.topicPrefix, Topics.followUp);
      let leader: number;
      try {
        const { topics } = await adminClient.fetchTopicMetadata({ topics: [topic] });
        const leaders = topics[0]!.partitions.map((p) => p.leader);
        leader = [1, 2, 3].sort(
          (a, b) => leaders.filter((l) => l === b).length - leaders.filter((l) => l === a).length,
        )[0]!;
      } finally {
        await adminClient.disconnect();
      }
      await infra('kafka-cluster.sh', 'kill-broker', String(leader));
      await sleep(20_000);
      const t = Date.now();
      await infra('kafka-cluster.sh', 'start-broker', String(leader));
      return `broker ${leader} (leader of most ${Topics.followUp} partitions) SIGKILLed, down 20 s, back in ${((Date.now() - t) / 1000).toFixed(0)} s`;
    });
  }, 600_000);

  it('(3) Redis restarted without its data (deadline timers and idempotency keys lost)', async () => {
    await scenario('redis-empty', 20_000, async () => {
      const t = Date.now();
      await infra('redis.sh', 'restart-empty');
      return `redis.sh restart-empty (${((Date.now() - t) / 1000).toFixed(1)} s)`;
    });
  }, 600_000);

  it('(4) the MongoDB-wire server restarted (FerretDB and its PostgreSQL)', async () => {
    await scenario('mongo-restart', 30_000, async () => {
      const t = Date.now();
      await infra('mongo.sh', 'restart');
      return `mongo.sh restart: FerretDB + PostgreSQL down and up (${((Date.now() - t) / 1000).toFixed(1)} s)`;
    });
  }, 600_000);
});
