import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { Topics } from '@tracker/contracts';
import request from 'supertest';
import { CHILD_BUILD_DIR, REPO_ROOT, waitFor } from '@tracker/testing';
import { startStack, type Stack } from '../support/stack';
import { gbvLawRequest } from '../support/requests';

const moura = (recommendationId: string) => ({
  title: { en: 'Investigate the events in Moura', fr: 'Enquêter sur les événements de Moura' },
  text: 'The transitional authorities undertook to investigate the events in Moura of March 2022.',
  madeAt: { forum: 'Security Council', date: '2022-06-13', citation: 'S/PV.9066' },
  institutions: ['ministry-of-justice'],
  dueDate: '2023-12-31',
  linkedRecommendationIds: [recommendationId],
});

const evidence = {
  source: 'OHCHR',
  date: '2024-05-12',
  summary: 'Report of the investigation published',
  link: 'https://www.ohchr.org/en/documents/moura',
};

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 25));

const CLI = path.join(CHILD_BUILD_DIR, 'scripts/audit.js');
/** Runs the compiled CLI in a child process (asynchronously: the stack answers from this process). */
const runCli = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      path.join(REPO_ROOT, 'node_modules/.bin/node'),
      [CLI, ...args],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

describe('audit API through the gateway', () => {
  let stack: Stack;
  let auditor: string;
  let secretariat: string;
  let recommendationId: string;
  let commitmentId: string;
  const dates: Record<'t1' | 't2' | 't3', string> = { t1: '', t2: '', t3: '' };

  const gw = () => request(stack.gatewayUrl);

  beforeAll(async () => {
    // The CLI as `npm run build` would produce it (dist/scripts/audit.js), next to the test build of libs/.
    execFileSync(
      path.join(REPO_ROOT, 'node_modules/.bin/swc'),
      ['scripts/audit.ts', '-d', CHILD_BUILD_DIR, '--config-file', '.swcrc', '--quiet'],
      { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    stack = await startStack();
    auditor = `Bearer ${stack.token('auditor')}`;
    secretariat = `Bearer ${stack.token('secretariat')}`;

    // Scripted history, three known instants: t1 after creation, t2 after the due date was extended and
    // the GBV law assessed "not implemented", t3 after fulfilment and a second assessment.
    const rec = await gw()
      .post('/api/recommendations')
      .set('Authorization', secretariat)
      .send(gbvLawRequest('audit-gbv'))
      .expect(201);
    recommendationId = (rec.body as { recommendationId: string }).recommendationId;
    const com = await gw()
      .post('/api/commitments')
      .set('Authorization', secretariat)
      .send(moura(recommendationId))
      .expect(201);
    commitmentId =
      (com.body as { commitmentId?: string; id?: string }).commitmentId ??
      String(com.headers.location).split('/').pop()!;
    await tick();
    dates.t1 = new Date().toISOString();
    await tick();
    await gw()
      .post(`/api/commitments/${commitmentId}/due-date-extensions`)
      .set('Authorization', secretariat)
      .set('If-Match', '"1"')
      .send({ dueDate: '2024-06-30', reason: 'the inquiry commission asked for six more months' })
      .expect(200);
    // Follow-up learns the recommendation from Kafka before it can accept an assessment of it.
    await waitFor(
      async () => {
        const res = await gw()
          .get(`/api/tracker/items/${recommendationId}`)
          .set('Authorization', secretariat);
        return res.status === 200 ? true : undefined;
      },
      { what: 'follow-up to know the recommendation' },
    );
    await gw()
      .post('/api/assessments')
      .set('Authorization', secretariat)
      .send({
        target: { kind: 'recommendation', id: recommendationId },
        status: 'not-implemented',
        assessedOn: '2023-11-30',
        evidence: [{ source: 'CEDAW', date: '2023-11-30', summary: 'No GBV law adopted yet' }],
      })
      .expect(201);
    await tick();
    dates.t2 = new Date().toISOString();
    await tick();
    await gw()
      .post(`/api/commitments/${commitmentId}/fulfilment`)
      .set('Authorization', secretariat)
      .set('If-Match', '"2"')
      .send({ fulfilledOn: '2024-05-12', evidence: [evidence] })
      .expect(200);
    await gw()
      .post('/api/assessments')
      .set('Authorization', secretariat)
      .send({
        target: { kind: 'recommendation', id: recommendationId },
        status: 'in-progress',
        assessedOn: '2024-06-01',
        evidence: [{ source: 'Ministry of Justice', date: '2024-06-01', summary: 'Draft GBV law tabled' }],
      })
      .expect(201);
    await tick();
    dates.t3 = new Date().toISOString();
    // The tracker has consumed everything (the inbox is written before the read model).
    await waitFor(
      async () => {
        const res = await gw()
          .get(`/api/tracker/items/${recommendationId}`)
          .set('Authorization', secretariat);
        const row = res.body as { assessmentCount?: number };
        return res.status === 200 && row.assessmentCount === 2 ? row : undefined;
      },
      { what: 'the tracker row with two assessments', timeoutMs: 60_000 },
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('lists the event history with filters and cursor pagination, and streams it as NDJSON', async () => {
    const all = await waitFor(async () => {
      const res = await gw()
        .get('/api/audit/commitments/events?limit=1')
        .set('Authorization', auditor)
        .expect(200);
      const page = res.body as { events: { position: number; type: string }[]; next: number | null };
      return page.events.length === 1 && page.next !== null ? page : undefined;
    });
    expect(all.events[0]).toMatchObject({ position: 1, type: 'commitment.created' });
    const next = await gw()
      .get(`/api/audit/commitments/events?limit=10&after=${all.next}`)
      .set('Authorization', auditor)
      .expect(200);
    expect((next.body as { events: { type: string }[] }).events.map((e) => e.type)).toEqual([
      'commitment.due-date-extended',
      'commitment.fulfilled',
    ]);
    const byType = await gw()
      .get(`/api/audit/commitments/events?type=commitment.fulfilled&actor=test-secretariat&from=${dates.t2}`)
      .set('Authorization', auditor)
      .expect(200);
    expect((byType.body as { events: unknown[] }).events).toHaveLength(1);
    const none = await gw()
      .get(`/api/audit/commitments/events?to=2001-01-01`)
      .set('Authorization', auditor)
      .expect(200);
    expect((none.body as { events: unknown[] }).events).toHaveLength(0);

    const nd = await gw()
      .get(`/api/audit/commitments/events?stream=commitment-${commitmentId}`)
      .set('Authorization', auditor)
      .set('Accept', 'application/x-ndjson')
      .buffer(true)
      .parse((res, cb) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => cb(null, text));
      })
      .expect(200);
    expect(nd.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (nd.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { version: number; hash: string });
    expect(lines.map((l) => l.version)).toEqual([1, 2, 3]);
    expect(lines.every((l) => /^[0-9a-f]{64}$/.test(l.hash))).toBe(true);

    await gw().get('/api/audit/commitments/events?from=yesterday').set('Authorization', auditor).expect(400);
  });

  it('answers the Moura commitment as of three scripted instants, exactly as scripted', async () => {
    const at = async (asOf: string) =>
      (
        await gw()
          .get(`/api/audit/commitments/streams/commitment-${commitmentId}?asOf=${encodeURIComponent(asOf)}`)
          .set('Authorization', auditor)
          .expect(200)
      ).body as { version: number; aggregate: string; state: Record<string, unknown>; events: unknown[] };
    const t1 = await at(dates.t1);
    expect(t1).toMatchObject({ aggregate: 'commitment', version: 1 });
    expect(t1.state).toMatchObject({
      exists: true,
      status: 'open',
      dueDate: '2023-12-31',
      fulfilledOn: null,
    });
    const t2 = await at(dates.t2);
    expect(t2).toMatchObject({ version: 2 });
    expect(t2.state).toMatchObject({ status: 'open', dueDate: '2024-06-30', fulfilledOn: null });
    const t3 = await at(dates.t3);
    expect(t3).toMatchObject({ version: 3 });
    expect(t3.state).toMatchObject({ status: 'fulfilled', dueDate: '2024-06-30', fulfilledOn: '2024-05-12' });
    const before = await at('2001-01-01T00:00:00Z');
    expect(before).toMatchObject({ version: 0, state: { exists: false } });
    await gw()
      .get(`/api/audit/commitments/streams/commitment-0190d4c8-0000-7000-8000-000000000000`)
      .set('Authorization', auditor)
      .expect(404);
  });

  it('answers the GBV-law tracker row as of the same three instants, folded from the inbox', async () => {
    const at = async (asOf: string) =>
      (
        await gw()
          .get(
            `/api/audit/follow-up/projections/tracker_items/${recommendationId}?asOf=${encodeURIComponent(asOf)}`,
          )
          .set('Authorization', auditor)
          .expect(200)
      ).body as { source: string; state: Record<string, unknown> | null };
    const t1 = await at(dates.t1);
    expect(t1.source).toBe('inbox');
    expect(t1.state).toMatchObject({
      kind: 'recommendation',
      known: true,
      assessmentStatus: 'none',
      assessmentCount: 0,
    });
    const t2 = await at(dates.t2);
    expect(t2.state).toMatchObject({ assessmentStatus: 'not-implemented', assessmentCount: 1 });
    const t3 = await at(dates.t3);
    expect(t3.state).toMatchObject({ assessmentStatus: 'in-progress', assessmentCount: 2 });
    expect((await at('2001-01-01T00:00:00Z')).state).toBeNull();
    // Now equals the live row (minus storage keys and read-time joins).
    const live = await gw()
      .get(`/api/audit/follow-up/projections/tracker_items/${recommendationId}`)
      .set('Authorization', auditor)
      .expect(200);
    const client = await MongoClient.connect(process.env.MONGO_URL!);
    try {
      const row = await client
        .db(stack.ns.db('follow-up'))
        .collection('tracker_items')
        .findOne({ _id: recommendationId as never });
      const { _id, _applied, _rev, ...doc } = row!;
      expect((live.body as { state: unknown }).state).toEqual(doc);
      expect((live.body as { applied: unknown }).applied).toEqual(_applied);
      // The states above folded follow-up's own assessments from its store: the inbox keeps only what
      // the other contexts published (rebuild-sources.ts).
      const inboxTopics = await client.db(stack.ns.db('follow-up')).collection('inbox').distinct('topic');
      expect(inboxTopics.length).toBeGreaterThan(0);
      expect(inboxTopics.filter((t) => String(t).endsWith(Topics.followUp))).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('renders the item timeline across the three services in English and French', async () => {
    const en = await gw()
      .get(`/api/audit/timeline?item=${recommendationId}`)
      .set('Authorization', auditor)
      .expect(200);
    const entries = (
      en.body as { entries: { type: string; service: string; text: string; details: string[] }[] }
    ).entries;
    expect(entries.map((e) => e.type)).toEqual([
      'recommendation.created',
      'commitment.created',
      'commitment.due-date-extended',
      'assessment.recorded',
      'commitment.fulfilled',
      'assessment.recorded',
    ]);
    const ext = entries[2]!;
    expect(ext.text).toMatch(/test-secretariat \(secretariat\) extended the due date/);
    expect(ext.details).toEqual(
      expect.arrayContaining([
        'due date: 2023-12-31 → 2024-06-30',
        'reason: the inquiry commission asked for six more months',
      ]),
    );
    expect(entries[4]!.details.join('\n')).toContain(
      'evidence: OHCHR, 2024-05-12 — Report of the investigation published',
    );
    const fr = await gw()
      .get(`/api/audit/timeline?item=${recommendationId}&format=text`)
      .set('Authorization', auditor)
      .set('Accept-Language', 'fr-FR,fr;q=0.9')
      .expect(200);
    expect(fr.headers['content-language']).toBe('fr');
    expect(fr.text).toContain("a prolongé l'échéance");
    expect(fr.text).toContain('statut: non mis en œuvre');
    expect(fr.text).toContain('motif: the inquiry commission asked for six more months');
  });

  it('rebuilds every read model while writes continue; each ends deep-equal to a replay', async () => {
    const client = await MongoClient.connect(process.env.MONGO_URL!);
    try {
      // Damage the live catalogue first: the rebuild must repair it.
      await client
        .db(stack.ns.db('recommendations'))
        .collection('recommendation_catalogue')
        .updateOne({ _id: recommendationId as never }, { $set: { themes: ['tampered'] } });
      let writing = true;
      let written = 0;
      let served = 0;
      const writer = (async () => {
        while (writing) {
          await gw()
            .post('/api/recommendations')
            .set('Authorization', secretariat)
            .send(gbvLawRequest(`audit-load-${written}`))
            .expect(201);
          written += 1;
          const live = await gw()
            .get(`/api/tracker/items/${recommendationId}`)
            .set('Authorization', secretariat);
          if (live.status === 200) served += 1;
        }
      })();
      const targets: [string, string][] = [
        ['recommendations', 'recommendation_catalogue'],
        ['commitments', 'commitments_view'],
        ['follow-up', 'tracker_items'],
        ['follow-up', 'assessment_activity'],
      ];
      await new Promise((r) => setTimeout(r, 300));
      for (const [service, projection] of targets) {
        const started = await gw()
          .post(`/api/audit/${service}/rebuild/${projection}`)
          .set('Authorization', auditor)
          .expect(202);
        const jobId = (started.body as { jobId: string }).jobId;
        // The gateway gives the service's Location as its own path: a client can follow it.
        expect(started.headers.location).toBe(`/api/audit/${service}/rebuild/${jobId}`);
        const job = await waitFor(
          async () => {
            const res = await gw()
              .get(`/api/audit/${service}/rebuild/${jobId}`)
              .set('Authorization', auditor)
              .expect(200);
            const j = res.body as {
              state: string;
              done: number;
              total: number;
              rate: number;
              etaSeconds: number | null;
            };
            return j.state === 'done' || j.state === 'failed' ? j : undefined;
          },
          { what: `rebuild of ${projection}`, timeoutMs: 60_000, intervalMs: 100 },
        );
        expect(job).toMatchObject({ state: 'done' });
        expect(job.done).toBe(job.total);
      }
      writing = false;
      await writer;
      expect(served).toBe(written); // the live API kept answering throughout
      // Quiesce: every write reached both read models fed by the recommendations topic.
      const total = written + 1;
      await waitFor(
        async () => {
          const n = await client
            .db(stack.ns.db('recommendations'))
            .collection('recommendation_catalogue')
            .countDocuments();
          // Item rows only: the tracker keeps its summaries beside them (docs/adr/0008).
          const m = await client
            .db(stack.ns.db('follow-up'))
            .collection('tracker_items')
            .countDocuments({ itemId: { $exists: true } });
          return n === total && m === total + 1 ? true : undefined;
        },
        { what: 'read models caught up', timeoutMs: 60_000 },
      );
      const repaired = await client
        .db(stack.ns.db('recommendations'))
        .collection('recommendation_catalogue')
        .findOne({ _id: recommendationId as never });
      expect(repaired!.themes).toEqual(['gender-based-violence']);
      // Deep equality: a fresh replay into a shadow compared document by document (without _rev).
      for (const [service, projection] of targets) {
        const res = await runCli([
          'rebuild',
          '--gateway',
          stack.gatewayUrl,
          '--service',
          service,
          projection,
          '--check',
        ]);
        // On a difference, what the check saw: the ids, and how the first few read in the live collection.
        const seen =
          res.code === 0
            ? ''
            : `${res.stdout.slice(0, 2_000)}\nlive: ${JSON.stringify(
                await client
                  .db(stack.ns.db(service))
                  .collection(projection)
                  .find({
                    _id: {
                      $in: (
                        (JSON.parse(res.stdout || '{}') as { differences?: string[] }).differences ?? []
                      ).slice(0, 3),
                    },
                  } as never)
                  .toArray(),
              ).slice(0, 6_000)}`;
        expect({ projection, seen }).toEqual({ projection, seen: '' });
        expect({ projection, code: res.code, stderr: res.stderr.slice(-300) }).toMatchObject({
          projection,
          code: 0,
        });
        expect(JSON.parse(res.stdout)).toMatchObject({ state: 'done', differences: [] });
      }
    } finally {
      await client.close();
    }
  });

  it('`audit verify` exits 0 on an untouched store, 1 naming the event after one byte was altered', async () => {
    const ok = await runCli(['verify', '--gateway', stack.gatewayUrl]);
    expect({ code: ok.code, stderr: ok.stderr }).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/commitments: 1 streams, 3 events — hash chains intact/);

    const client = await MongoClient.connect(process.env.MONGO_URL!);
    try {
      const events = client
        .db(stack.ns.db('commitments'))
        .collection<{ _id: string; events: { eventId: string; data: { reason?: string } }[] }>('events');
      const commit = (await events.findOne({ streamId: `commitment-${commitmentId}`, version: 2 }))!;
      const reason = commit.events[0]!.data.reason!;
      const altered = `${reason.slice(0, -1)}${reason.endsWith('s') ? 'z' : 's'}`; // one byte
      await events.updateOne({ _id: commit._id }, { $set: { 'events.0.data.reason': altered } });
      const broken = await runCli(['verify', '--gateway', stack.gatewayUrl]);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain(
        `BROKEN commitments commitment-${commitmentId} version 2 event ${commit.events[0]!.eventId} position 2: content does not match its hash`,
      );
      expect(broken.stdout).toMatch(/recommendations: .* hash chains intact/);
      await events.updateOne({ _id: commit._id }, { $set: { 'events.0.data.reason': reason } });
      expect((await runCli(['verify', '--gateway', stack.gatewayUrl, '--service', 'commitments'])).code).toBe(
        0,
      );
    } finally {
      await client.close();
    }
    expect((await runCli(['verify', '--service', 'nowhere'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });
});
