import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, signDevToken, type Role } from '@tracker/auth';
import { type TestNamespace, waitFor } from '@tracker/testing';
import {
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../../support/webhook-receiver';
import { APPS, ChaosApps, type ChaosAppsOptions } from './apps';
import {
  countWrites,
  formatFigures,
  markerCounts,
  outboxPending,
  readModelMismatches,
  type ScenarioFigures,
  scanStore,
} from './checks';
import { StaffLoad, type StaffItems } from './load';

/*
 * One chaos run (the `chaos` and `scale` Jest projects): the four apps as child processes against the
 * real servers, simulated staff posting assessments and commitment revisions and reading the tracker
 * through the gateway while a fault happens per scenario. Afterwards every acknowledged write must be in
 * the event store and the read models exactly once, the outbox drained, and each commitment due during
 * the fault must have lapsed once, reached the alert feed once and been delivered to the webhook
 * subscriber once.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STAFF = Number(process.env.CHAOS_STAFF ?? 4);
const ALERTS_PER_SCENARIO = 4;
const SETTLE_TIMEOUT_MS = 240_000;

export const chaosToken = (role: Role, sub = `chaos-${role}`): string =>
  signDevToken({ secret: DEV_JWT_SECRET, issuer: DEFAULT_JWT_ISSUER }, { sub, role });

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

/** A line of figures on stdout and in CHAOS_REPORT (the script prints that file again at the end). */
export const report = (line: string): void => {
  process.stdout.write(`${line}\n`);
  if (process.env.CHAOS_REPORT) fs.appendFileSync(process.env.CHAOS_REPORT, `${line}\n`);
};

export class ChaosRun {
  readonly apps: ChaosApps;
  private readonly admin = `Bearer ${chaosToken('admin')}`;
  private readonly yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  private hook?: WebhookReceiver;
  private client?: MongoClient;
  private dbs?: { followUp: Db; commitments: Db };
  private load?: StaffLoad;
  private readonly staff: StaffItems[] = [];

  constructor(
    readonly ns: TestNamespace,
    appsOptions: ChaosAppsOptions = {},
  ) {
    this.apps = new ChaosApps(
      ns,
      { DEADLINE_RECONCILE_INTERVAL_MS: '2000', DEADLINE_REMINDER_LEAD_TIMES: '' },
      appsOptions,
    );
  }

  async api(
    method: string,
    url: string,
    body?: unknown,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.apps.gatewayUrl}${url}`, {
      method,
      headers: {
        Authorization: this.admin,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  }

  private async must(method: string, url: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await this.api(method, url, body);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Record<string, unknown>;
  }

  /**
   * As a client should: with an Idempotency-Key, and again after a 503 (the gateway's answer when a
   * connection to an instance that just stopped fails; the request may have run, the key makes the
   * retry safe). Scenario 3 creates these right after stopping two commitments instances.
   */
  private async createCommitment(title: string, dueDate: string): Promise<string> {
    const body = {
      title: { en: title },
      text: 'Mali undertook to adopt the draft law on gender-based violence.',
      madeAt: { forum: 'UPR 2023', date: '2023-05-02', citation: 'A/HRC/53/7' },
      institutions: ['ministry-of-justice'],
      dueDate,
      dueDateKind: 'secretariat-target',
      dueDateNote: null,
    };
    const key = randomUUID();
    for (let attempt = 1; ; attempt += 1) {
      const res = await this.api('POST', '/api/commitments', body, { 'Idempotency-Key': key });
      if (res.status === 503 && attempt < 5) {
        await sleep(1_000);
        continue;
      }
      if (res.status >= 300)
        throw new Error(`POST /api/commitments: ${res.status} ${JSON.stringify(res.body)}`);
      return String((res.body as Record<string, unknown>).commitmentId);
    }
  }

  /** The apps (`initial`: fewer instances of some), a webhook subscriber, one recommendation and commitment per staff member. */
  async setup(initial: Parameters<ChaosApps['startAll']>[0] = {}): Promise<void> {
    this.hook = await startWebhookReceiver();
    await this.apps.startAll(initial);
    this.client = await MongoClient.connect(process.env.MONGO_URL!);
    this.dbs = {
      followUp: this.client.db(this.ns.db('follow-up')),
      commitments: this.client.db(this.ns.db('commitments')),
    };
    await this.must('POST', '/api/subscriptions', {
      url: `${this.hook.url}/hook`,
      eventTypes: ['commitment.lapsed'],
    });
    for (let i = 0; i < STAFF; i++) {
      const rec = await this.must('POST', '/api/recommendations', {
        mechanism: 'upr',
        recommendingEntities: ['Ecuador'],
        document: { citation: `UPR Mali 2023 — chaos staff ${i}`, date: '2023-05-02' },
        text: { en: `Adopt the law on gender-based violence (chaos staff ${i})` },
        published: true,
      });
      const recommendationId = String(rec.recommendationId);
      this.staff.push({
        recommendationId,
        commitmentId: await this.createCommitment(`Chaos staff ${i}`, '2030-12-31'),
      });
    }
    await waitFor(
      async () => {
        for (const s of this.staff)
          for (const id of [s.commitmentId, s.recommendationId])
            if ((await this.api('GET', `/api/tracker/items/${id}`)).status !== 200) return undefined;
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the staff items in the tracker' },
    );
    this.load = new StaffLoad(
      () => this.apps.gatewayUrl,
      (i) => chaosToken('secretariat', `chaos-staff-${i}`),
      this.staff,
      this.ns.id,
      this.yesterday,
    );
  }

  async teardown(): Promise<void> {
    // The apps first: whatever else fails or hangs, no child process outlives the suite.
    const stopping = this.load?.stop();
    await this.apps.stopAll();
    await stopping;
    await this.hook?.close();
    if (this.client) {
      const client = this.client;
      const drop = Promise.all(
        APPS.map((app) =>
          client
            .db(this.ns.db(app))
            .dropDatabase()
            .catch(() => undefined),
        ),
      );
      await Promise.race([drop, sleep(20_000)]);
      await client.close(true);
    }
  }

  /**
   * Runs one scenario: load for 5 s, the fault, load again until the last alert is due (+10 s), then
   * waits for the system to settle and checks. `windowMs`: the commitments created for this scenario fall
   * due at even intervals over this long from the start of the fault. `name`: lower case and dashes.
   */
  async scenario(name: string, windowMs: number, fault: () => Promise<string>): Promise<ScenarioFigures> {
    const load = this.load!;
    const dbs = this.dbs!;
    const client = this.client!;
    const hook = this.hook!;
    const faultAt = Date.now() + 8_000;
    const dues = Array.from({ length: ALERTS_PER_SCENARIO }, (_, k) =>
      new Date(faultAt + (windowMs * (k + 0.5)) / ALERTS_PER_SCENARIO).toISOString(),
    );
    const alertIds = await Promise.all(
      dues.map((due, k) => this.createCommitment(`Chaos ${name} alert ${k}`, due)),
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
    await this.apps.waitHealthy();

    const settleStart = Date.now();
    const measure = async () => {
      const [fu, co] = await Promise.all([scanStore(dbs.followUp), scanStore(dbs.commitments)]);
      const rec = await scanStore(client.db(this.ns.db('recommendations')));
      const counts = {
        assessment: markerCounts(fu.events, 'assessment.recorded', 'note'),
        revision: markerCounts(co.events, 'commitment.revised', 'text'),
      };
      const writes = countWrites(loadFigures.acked, counts, `:${name}:`);
      const mismatched = await readModelMismatches(
        dbs,
        { followUp: fu.events, commitments: co.events },
        {
          commitments: [...this.staff.map((s) => s.commitmentId), ...alertIds],
          recommendations: this.staff.map((s) => s.recommendationId),
        },
      );
      const lapses = new Map<string, number>();
      for (const e of co.events)
        if (e.type === 'commitment.lapsed') lapses.set(e.streamId, (lapses.get(e.streamId) ?? 0) + 1);
      const feed = await this.api('GET', '/api/alerts?type=commitment.lapsed&limit=200');
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
    return figures;
  }
}
