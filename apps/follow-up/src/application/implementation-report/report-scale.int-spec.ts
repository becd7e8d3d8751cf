import { performance } from 'node:perf_hooks';
import { MongoClient, type CommandStartedEvent, type Db, type Document } from 'mongodb';
import { assessmentIdFor, Topics, type StoredEvent } from '@tracker/contracts';
import { MongoEventStore } from '@tracker/event-store';
import { explainFind, notIndexed } from '@tracker/platform';
import { MongoInbox, MongoProjectionStore } from '@tracker/projections';
import { appendMetadata, storedEvent, testNamespace } from '@tracker/testing';
import { reportIndexProjection } from '../../infrastructure/report-index.projection';
import { ReportStreams } from '../../infrastructure/report-streams';
import { buildReport, type ReportRequest } from './report-model';

/**
 * Issue #17: 20,000 catalogue rows (other States' recommendations, in no cluster) must not slow a
 * one-country report beyond 2 s. The catalogue rows go into follow-up's inbox and report index as the
 * consumer would put them; a country of 120 clustered recommendations, 30 commitments and 40 assessments
 * beside them. Every find a report sends is explained (an index, no scan), and the report is timed.
 * All texts and names are obviously fictitious.
 */
const ns = testNamespace();
const CATALOGUE = 20_000;
const CLUSTERS = 24;
const RECOMMENDATIONS = 120;
const COMMITMENTS = 30;
const ASSESSMENTS = 40;
const RECORDED = '2026-01-01T00:00:00.000Z';

const uuid = (kind: number, n: number): string =>
  `0190d4c8-0000-7000-8${String(kind).padStart(3, '0')}-${String(n).padStart(12, '0')}`;
const recId = (n: number): string => uuid(1, n);
const comId = (n: number): string => uuid(2, n);

const recommendation = (id: string, n: number, clusterKey: string | null): StoredEvent =>
  storedEvent(
    `recommendation-${id}`,
    1,
    'recommendation.created',
    {
      recommendationId: id,
      externalKey: `example-${n}`,
      mechanism: 'upr',
      recommendingEntities: [`Examplestan ${n % 90}`],
      document: {
        symbol: null,
        paragraph: `${n % 200}.${n % 7}`,
        citation: `UPR Exampleland 2010, para ${n} (fictitious)`,
        date: '2010-01-01',
      },
      upr: { cycle: 1, session: null },
      text: {
        en: `Take further measures to ensure the example right number ${n} in law and in practice, in line with the example convention and the recommendations of the example committee (fictitious text).`,
        fr: null,
      },
      themes: [['justice-system', 'detention', 'women-rights', 'children'][n % 4]!],
      affectedGroups: [],
      sdgTargets: [],
      position: null,
      clusterKey,
      published: true,
    },
    RECORDED,
  );

describe('the implementation report beside 20,000 catalogue rows (FerretDB/MongoDB, real server)', () => {
  let client: MongoClient;
  let db: Db;
  let streams: ReportStreams;
  const finds: { collection: string; filter: Document }[] = [];
  const onFind = (e: CommandStartedEvent): void => {
    if (e.commandName === 'find')
      finds.push({ collection: String(e.command.find), filter: e.command.filter as Document });
  };

  beforeAll(async () => {
    client = await MongoClient.connect(process.env.MONGO_URL!, { monitorCommands: true });
    db = client.db(ns.db('follow-up'));
    const inbox = new MongoInbox(db);
    await inbox.init();
    const store = new MongoEventStore(db);
    await store.init();
    const index = new MongoProjectionStore(reportIndexProjection, db);

    const consumed: StoredEvent[] = [];
    for (let n = 0; n < CATALOGUE; n += 1) consumed.push(recommendation(uuid(9, n), n, null));
    for (let n = 0; n < RECOMMENDATIONS; n += 1)
      consumed.push(recommendation(recId(n), CATALOGUE + n, `example-cluster-${n % CLUSTERS}`));
    for (let k = 0; k < CLUSTERS; k += 1)
      consumed.push(
        storedEvent(
          `cluster-example-cluster-${k}`,
          1,
          'recommendation-cluster.titled',
          {
            clusterKey: `example-cluster-${k}`,
            title: { en: `Example cluster ${k}`, fr: `Groupe exemple ${k}` },
          },
          RECORDED,
        ),
      );
    for (let n = 0; n < COMMITMENTS; n += 1)
      consumed.push(
        storedEvent(
          `commitment-${comId(n)}`,
          1,
          'commitment.created',
          {
            commitmentId: comId(n),
            externalKey: `example-commitment-${n}`,
            title: { en: `Example commitment ${n}`, fr: null },
            text: 'Example commitment (fictitious).',
            madeAt: {
              forum: 'Example forum',
              date: '2011-01-01',
              dateNote: null,
              citation: 'Example citation',
            },
            basisNote: null,
            sourceQuotes: [],
            institutions: [`example-ministry-${n % 5}`],
            dueDate: `20${12 + (n % 10)}-06-30`,
            dueDateKind: n % 3 === 0 ? 'sourced' : 'secretariat-target',
            dueDateNote: null,
            linkedRecommendationIds: [recId(n), recId(n + 40), recId(n + 80)],
          },
          RECORDED,
        ),
      );
    const started = performance.now();
    for (let i = 0; i < consumed.length; i += 1_000) {
      const batch = consumed.slice(i, i + 1_000);
      await inbox.recordMany(batch, Topics.recommendations);
      await index.applyBatch(batch);
    }
    for (let n = 0; n < ASSESSMENTS; n += 1) {
      const target =
        n % 4 === 0
          ? { kind: 'commitment' as const, id: comId(n % COMMITMENTS) }
          : { kind: 'recommendation' as const, id: recId(n) };
      const assessmentId = assessmentIdFor(target);
      const result = await store.append({
        streamId: `assessment-${assessmentId}`,
        expectedVersion: 0,
        events: [
          {
            type: 'assessment.recorded',
            schemaVersion: 1,
            data: {
              assessmentId,
              target,
              status: ['in-progress', 'not-implemented', 'implemented'][n % 3],
              assessedOn: `2015-0${1 + (n % 9)}-15`,
              evidence: [],
              assessor: 'example-assessor',
              note: 'Fictitious assessment.',
            },
          },
        ],
        metadata: appendMetadata(),
      });
      const appended = result.events.map((e) => ({ ...e, position: e.position ?? 0 }));
      await index.applyBatch(appended);
    }
    process.stdout.write(
      `report scale: ${consumed.length} events into the inbox and the report index in ${Math.round(performance.now() - started)} ms\n`,
    );
    streams = new ReportStreams(db, inbox, store);
    client.on('commandStarted', onFind);
  }, 600_000);

  afterAll(async () => {
    client?.off('commandStarted', onFind);
    await db?.dropDatabase();
    await client?.close();
  });

  const request: Omit<ReportRequest, 'recordedUntil'> = {
    asOf: '2016-12-31',
    mechanism: null,
    cluster: null,
    institution: null,
    lang: 'fr',
    publishedOnly: false,
  };
  const run = async (r: Omit<ReportRequest, 'recordedUntil'> = request) => {
    const recordedUntil = new Date();
    const { events, itemIds, clusterKeys } = await streams.read(r.cluster, recordedUntil);
    return buildReport(events, itemIds, clusterKeys, { ...r, recordedUntil });
  };

  it('reports the country alone, every find served by an index, in under 2 s', async () => {
    finds.length = 0;
    const report = await run();
    expect(report.clusters).toHaveLength(CLUSTERS);
    expect(report.summary.recommendations).toBe(RECOMMENDATIONS);
    expect(report.summary.commitments).toBe(COMMITMENTS);
    expect(report.clusters.flatMap((c) => c.recommendations).filter((r) => r.latestAssessment)).toHaveLength(
      ASSESSMENTS - ASSESSMENTS / 4,
    );
    const shapes = new Map(
      finds.map((f) => [`${f.collection} ${JSON.stringify(Object.keys(f.filter))}`, f] as const),
    );
    const perReport = finds.length;
    const problems: string[] = [];
    for (const [shape, f] of shapes) {
      const problem = notIndexed(await explainFind(db, f.collection, { filter: f.filter }));
      if (problem) problems.push(`${shape}: ${problem}`);
    }
    expect(problems).toEqual([]);
    expect([...shapes.keys()].sort()).toEqual([
      'events ["streamId"]',
      'inbox ["streamId"]',
      'report_index ["_id"]',
    ]);

    const times: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    const cluster: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const t = performance.now();
      await run({ ...request, cluster: 'example-cluster-3' });
      cluster.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    cluster.sort((a, b) => a - b);
    process.stdout.write(
      `report scale (${perReport} finds a report): whole country p50 ${times[3]!.toFixed(0)} ms, max ${times[6]!.toFixed(0)} ms; ` +
        `one cluster p50 ${cluster[3]!.toFixed(0)} ms, max ${cluster[6]!.toFixed(0)} ms\n`,
    );
    expect(times[6]).toBeLessThan(2_000);
  });
});
