import { performance } from 'node:perf_hooks';
import { MongoClient, type CommandStartedEvent, type Db, type Document } from 'mongodb';
import { v5 as uuidv5 } from 'uuid';
import type { Principal } from '@tracker/auth';
import {
  ASSESSMENT_STATUSES,
  dueInstantOf,
  TrackerQuery,
  type AssessmentStatus,
  type StoredEvent,
} from '@tracker/contracts';
import { entityKey, explainFind, notIndexed, queryTokens, searchTokens } from '@tracker/platform';
import { diffReadModels, MongoProjectionStore } from '@tracker/projections';
import { storedEvent, testNamespace } from '@tracker/testing';
import { TRACKER, trackerItemProjection } from '../../infrastructure/tracker-item.projection';
import { UNTHEMED } from '../../infrastructure/tracker-tally';
import { ensureTrackerIndexes } from '../../infrastructure/tracker-indexes';
import { orderOf } from '../../infrastructure/tracker-keys';
import { DashboardHandler, DashboardQuery } from './dashboard.query';
import { ListTrackerHandler, ListTrackerQuery } from './list-tracker.query';
import { TrackerReader } from './tracker-reader';

/**
 * The tracker at real scale (docs/adr/0008): 20,000 recommendations, 200 commitments linked to them and
 * 2,100 assessments, fed through the projection store in Kafka-sized batches. Every find each hot query
 * issues is explained (an index, no scan, no sort); answers are checked against a brute force over the
 * generated data; p50/p99 are printed.
 */
const ns = testNamespace();
const RECS = 20_000;
const COMMITMENTS = 200;
const BATCH = 500;
const THEMES = ['torture', 'death-penalty', 'women-rights', 'children', 'justice', 'education', 'health'];
const MECHANISMS = ['upr', 'treaty-body', 'special-procedure'] as const;
const ENTITIES = ['France', 'Côte d’Ivoire', 'Brazil', 'Committee against Torture'];
/** Words of the generated texts, each in a share of the items (`école` with its accent, as French has it). */
const WORDS = [
  'prison',
  'école',
  'police',
  'tribunal',
  'santé',
  'birth',
  'registration',
  'media',
  'land',
  'water',
  'press',
  'custody',
  'asylum',
];
const INSTITUTIONS = ['ministry-of-justice', 'ministry-of-health'];
const NOW = new Date('2026-06-01T00:00:00Z');

const staff: Principal = { subject: 's', role: 'secretariat', institution: null };
const viewer: Principal = { subject: 'v', role: 'viewer', institution: null };

const NS = '6f1d2c3e-0000-4000-8000-000000000000';
const recId = (i: number): string => uuidv5(`rec-${i}`, NS);
const comId = (i: number): string => uuidv5(`com-${i}`, NS);

interface OracleItem {
  readonly id: string;
  readonly kind: 'recommendation' | 'commitment';
  readonly published: boolean;
  readonly themes: readonly string[];
  readonly cluster: string | null;
  status: AssessmentStatus | 'none';
  readonly links: readonly string[];
  readonly dueAt: string | null;
  readonly open: boolean;
  readonly mechanism: string | null;
  /** Folded names (entityKey) of the recommending states or bodies. */
  readonly entities: readonly string[];
  readonly institutions: readonly string[];
  /** searchTokens of the item's text and citation. */
  readonly words: readonly string[];
  stale: boolean;
}

const recommendationCreated = (i: number): StoredEvent => {
  const id = recId(i);
  return storedEvent(`recommendation-${id}`, 1, 'recommendation.created', {
    recommendationId: id,
    externalKey: `rec-${i}`,
    mechanism: MECHANISMS[i % MECHANISMS.length]!,
    recommendingEntities: i % 9 === 0 ? [ENTITIES[i % 4]!, ENTITIES[(i + 1) % 4]!] : [ENTITIES[i % 4]!],
    document: { symbol: null, paragraph: null, citation: `A/HRC/${i}`, date: '2019-03-22' },
    upr: null,
    text: {
      en: `Recommendation ${i} on ${WORDS[i % WORDS.length]} and ${WORDS[(i * 7) % WORDS.length]}`,
      fr: i % 4 === 0 ? `Recommandation ${i} : ${WORDS[(i * 3) % WORDS.length]}` : null,
    },
    themes: i % 11 === 0 ? [] : [THEMES[i % THEMES.length]!, ...(i % 5 === 0 ? ['justice'] : [])],
    affectedGroups: [],
    sdgTargets: [],
    position: null,
    clusterKey: i % 97 === 0 ? `cluster-${i % 7}` : null,
    published: i % 6 !== 0,
  });
};

const commitmentCreated = (i: number): StoredEvent => {
  const id = comId(i);
  return storedEvent(`commitment-${id}`, 1, 'commitment.created', {
    commitmentId: id,
    externalKey: `com-${i}`,
    title: { en: `Commitment ${i} on ${WORDS[i % WORDS.length]}`, fr: null },
    text: 'text',
    madeAt: { forum: 'UPR', date: null, dateNote: null, citation: 'A/HRC/x' },
    basisNote: null,
    sourceQuotes: [],
    institutions: i % 3 === 0 ? INSTITUTIONS : [INSTITUTIONS[i % 2]!],
    dueDate: i % 2 === 0 ? '2024-12-31' : '2030-12-31',
    dueDateKind: 'secretariat-target',
    dueDateNote: null,
    linkedRecommendationIds: [0, 1, 2].map((k) => recId((i * 97 + k * 31) % RECS)),
  });
};

const assessed = (kind: 'recommendation' | 'commitment', id: string, status: AssessmentStatus) =>
  storedEvent(`assessment-${id}`, 1, 'assessment.recorded', {
    assessmentId: uuidv5(`assessment-${id}`, NS),
    target: { kind, id },
    status,
    assessedOn: '2025-01-01',
    evidence: [],
    assessor: 'seed',
    note: null,
  });

const events: StoredEvent[] = [];
const oracle = new Map<string, OracleItem>();
for (let i = 0; i < RECS; i += 1) {
  const e = recommendationCreated(i);
  const d = e.data as {
    themes: string[];
    clusterKey: string | null;
    published: boolean;
    mechanism: string;
    recommendingEntities: string[];
    text: { en: string; fr: string | null };
    document: { citation: string };
  };
  events.push(e);
  oracle.set(recId(i), {
    id: recId(i),
    kind: 'recommendation',
    published: d.published,
    themes: d.themes,
    cluster: d.clusterKey,
    status: 'none',
    links: [],
    dueAt: null,
    open: false,
    mechanism: d.mechanism,
    entities: d.recommendingEntities.map(entityKey),
    institutions: [],
    words: searchTokens(d.text.en, d.text.fr, d.document.citation),
    stale: false,
  });
}
for (let i = 0; i < COMMITMENTS; i += 1) {
  const e = commitmentCreated(i);
  const d = e.data as {
    dueDate: string;
    linkedRecommendationIds: string[];
    institutions: string[];
    title: { en: string };
    text: string;
  };
  events.push(e);
  // Every tenth is fulfilled: never overdue.
  if (i % 10 === 3)
    events.push(
      storedEvent(`commitment-${comId(i)}`, 2, 'commitment.fulfilled', {
        commitmentId: comId(i),
        fulfilledOn: '2025-01-01',
        evidence: [{ source: 'Journal officiel', date: '2025-01-01', summary: 'Published.' }],
        note: null,
      }),
    );
  oracle.set(comId(i), {
    id: comId(i),
    kind: 'commitment',
    published: true,
    themes: [],
    cluster: null,
    status: 'none',
    links: d.linkedRecommendationIds,
    dueAt: dueInstantOf(d.dueDate).toISOString(),
    open: i % 10 !== 3,
    mechanism: null,
    entities: [],
    institutions: d.institutions,
    words: searchTokens(d.title.en, d.text),
    stale: false,
  });
}
for (const item of oracle.values()) {
  const n = parseInt(orderOf(item.id).slice(0, 4), 16);
  if (item.kind === 'recommendation' ? n % 10 === 0 : n % 2 === 0) {
    const status = ASSESSMENT_STATUSES[n % ASSESSMENT_STATUSES.length]!;
    item.status = status;
    events.push(assessed(item.kind, item.id, status));
  } else if (n % 3 === 0) {
    // The stale check found no assessment since the item became known (two periods for some).
    item.stale = true;
    for (let period = 1; period <= (n % 2) + 1; period += 1)
      events.push(
        storedEvent(`staleness-${uuidv5(`assessment-${item.id}`, NS)}`, period, 'assessment.stale', {
          assessmentId: uuidv5(`assessment-${item.id}`, NS),
          target: { kind: item.kind, id: item.id },
          since: '2025-06-01T00:00:00.000Z',
          lastAssessedAt: null,
          staleAfterMs: 90 * 86_400_000,
          period,
          staleAt: '2025-09-01T00:00:00.000Z',
          detectedAt: '2025-09-01T00:00:00.000Z',
        }),
      );
  }
}

/** What a commitment is, through its links, to someone who sees `visible` recommendations. */
const derived = (item: OracleItem, who: Principal) => {
  const recs = item.links.map((l) => oracle.get(l)!).filter((r) => who.role !== 'viewer' || r.published);
  return {
    themes: [...new Set(recs.flatMap((r) => r.themes))],
    clusters: [...new Set(recs.flatMap((r) => (r.cluster ? [r.cluster] : [])))],
  };
};
const overdueIds = (): Set<string> => {
  const out = new Set<string>();
  for (const c of oracle.values())
    if (c.kind === 'commitment' && c.open && c.dueAt! <= NOW.toISOString()) {
      out.add(c.id);
      for (const l of c.links) out.add(l);
    }
  return out;
};

/** The brute-force answer, in the documented order (a hash of the item id). */
const bruteForce = (q: TrackerQuery, who: Principal): string[] => {
  const overdue = overdueIds();
  return [...oracle.values()]
    .filter((i) => {
      if (who.role === 'viewer' && !i.published) return false;
      const d =
        i.kind === 'commitment'
          ? derived(i, who)
          : { themes: i.themes, clusters: i.cluster ? [i.cluster] : [] };
      return (
        (!q.kind || i.kind === q.kind) &&
        (!q.status || i.status === q.status) &&
        (q.hasAssessment === undefined || (i.status !== 'none') === q.hasAssessment) &&
        (!q.theme || d.themes.includes(q.theme)) &&
        (!q.cluster || d.clusters.includes(q.cluster)) &&
        (q.overdue === undefined || overdue.has(i.id) === q.overdue) &&
        (q.stale === undefined || i.stale === q.stale) &&
        (!q.mechanism || i.mechanism === q.mechanism) &&
        (!q.entity || i.entities.includes(entityKey(q.entity))) &&
        (!q.institution || i.institutions.includes(q.institution)) &&
        (!q.q || queryTokens(q.q).every((w) => i.words.includes(w)))
      );
    })
    .map((i) => [orderOf(i.id), i.id] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([, id]) => id);
};

const QUERIES: readonly [string, Record<string, string>, Principal][] = [
  ['no filter', {}, staff],
  ['no filter, viewer', {}, viewer],
  ['kind=commitment', { kind: 'commitment' }, staff],
  ['kind=recommendation', { kind: 'recommendation' }, staff],
  ['theme=torture', { theme: 'torture' }, staff],
  ['theme=justice, viewer', { theme: 'justice' }, viewer],
  ['status=none', { status: 'none' }, staff],
  ['status=implemented', { status: 'implemented' }, staff],
  ['cluster=cluster-3', { cluster: 'cluster-3' }, staff],
  ['overdue=true', { overdue: 'true' }, staff],
  ['overdue=false', { overdue: 'false' }, staff],
  ['hasAssessment=true', { hasAssessment: 'true' }, staff],
  ['hasAssessment=false', { hasAssessment: 'false' }, staff],
  ['theme=children + status=in-progress', { theme: 'children', status: 'in-progress' }, staff],
  ['kind=commitment + theme=torture', { kind: 'commitment', theme: 'torture' }, staff],
  ['stale=true', { stale: 'true' }, staff],
  ['stale=false + kind=commitment', { stale: 'false', kind: 'commitment' }, staff],
  ['mechanism=treaty-body', { mechanism: 'treaty-body' }, staff],
  [
    'mechanism=special-procedure + status=none, viewer',
    { mechanism: 'special-procedure', status: 'none' },
    viewer,
  ],
  ['entity=COTE D’IVOIRE (folded)', { entity: 'COTE D’IVOIRE' }, staff],
  [
    'entity=committee against torture + theme=health',
    { entity: 'committee against torture', theme: 'health' },
    staff,
  ],
  ['institution=ministry-of-health', { institution: 'ministry-of-health' }, staff],
  ['q=prison', { q: 'prison' }, staff],
  ['q=Ecole sante (folded, two words)', { q: 'Ecole sante' }, staff],
  ['q=custody + theme=torture', { q: 'custody', theme: 'torture' }, staff],
  ['q=media + overdue=true', { q: 'media', overdue: 'true' }, staff],
  [
    'q=commitment + institution=ministry-of-justice',
    { q: 'commitment', institution: 'ministry-of-justice' },
    staff,
  ],
  ['q=4242 (one item)', { q: '4242' }, staff],
];

describe(`the tracker at ${RECS + COMMITMENTS} items: indexed, and right`, () => {
  let client: MongoClient;
  let db: Db;
  let reader: TrackerReader;
  const finds: Document[] = [];
  const onFind = (e: CommandStartedEvent): void => {
    if (e.commandName === 'find' && e.command.find === TRACKER) finds.push(e.command.filter as Document);
  };
  const list = (p: Record<string, string>, who: Principal, cursor?: string) =>
    new ListTrackerHandler(reader).execute(
      new ListTrackerQuery(TrackerQuery.parse({ ...p, limit: '50', cursor }), who, NOW),
    );
  /** At least `n` items (or all) through the cursor: a page may be short when filters combine. */
  const firstItems = async (p: Record<string, string>, who: Principal, n: number) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list(p, who, cursor);
      ids.push(...page.items.map((i) => i.itemId));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && ids.length < n);
    return { ids, pages, more: cursor !== undefined };
  };

  beforeAll(async () => {
    client = await MongoClient.connect(process.env.MONGO_URL!, { monitorCommands: true });
    db = client.db(ns.db('follow-up'));
    await ensureTrackerIndexes(db);
    reader = new TrackerReader(db);
    const store = new MongoProjectionStore(trackerItemProjection, db);
    const started = performance.now();
    for (let i = 0; i < events.length; i += BATCH) await store.applyBatch(events.slice(i, i + BATCH));
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `projected ${events.length} events (${oracle.size} items) in batches of ${BATCH}: ${seconds.toFixed(1)} s`,
    );
    client.on('commandStarted', onFind);
  }, 600_000);
  afterAll(async () => {
    client?.off('commandStarted', onFind);
    await client?.db(ns.db('follow-up')).dropDatabase();
    await client?.close();
  });

  it.each(QUERIES)('%s: the first pages are what a brute force gives', async (_name, p, who) => {
    const expected = bruteForce(TrackerQuery.parse(p), who);
    const got = await firstItems(p, who, 100);
    expect(got.ids).toEqual(expected.slice(0, got.ids.length));
    expect(got.ids.length).toBeGreaterThanOrEqual(Math.min(100, expected.length));
    expect(got.more).toBe(got.ids.length < expected.length);
  });

  it('pages through a whole list, each item once', async () => {
    const p = { theme: 'health' };
    const expected = bruteForce(TrackerQuery.parse(p), staff);
    const got = await firstItems(p, staff, Number.MAX_SAFE_INTEGER);
    expect(got.ids).toEqual(expected);
    await expect(list({}, staff, 'not-a-cursor')).rejects.toThrow('cursor is not one this API issued');
  });

  it('the dashboard counts are the brute-force counts', async () => {
    for (const who of [staff, viewer]) {
      const d = await new DashboardHandler(reader).execute(new DashboardQuery(who, NOW));
      const visible = [...oracle.values()].filter((i) => who.role !== 'viewer' || i.published);
      const byStatus: Record<string, number> = {};
      const cells: Record<string, number> = {};
      // Seven clusters here, all within the figure's twenty.
      const clusterCells: Record<string, number> = {};
      for (const i of visible) {
        byStatus[i.status] = (byStatus[i.status] ?? 0) + 1;
        const themes = i.kind === 'commitment' ? derived(i, who).themes : i.themes;
        for (const t of themes.length > 0 ? themes : [UNTHEMED])
          cells[`${i.status}|${t}`] = (cells[`${i.status}|${t}`] ?? 0) + 1;
        const clusters = i.kind === 'commitment' ? derived(i, who).clusters : i.cluster ? [i.cluster] : [];
        for (const c of clusters)
          clusterCells[`${i.status}|${c}`] = (clusterCells[`${i.status}|${c}`] ?? 0) + 1;
      }
      const unassessed = visible.filter((i) => i.status === 'none').length;
      expect(d.totals).toEqual({
        items: visible.length,
        recommendations: visible.filter((i) => i.kind === 'recommendation').length,
        commitments: COMMITMENTS,
        assessed: visible.length - unassessed,
        unassessed,
        overdueCommitments: bruteForce(TrackerQuery.parse({ kind: 'commitment', overdue: 'true' }), who)
          .length,
      });
      expect(d.byStatus).toEqual(byStatus);
      expect(Object.fromEntries(d.byStatusAndTheme.map((c) => [`${c.status}|${c.theme}`, c.count]))).toEqual(
        cells,
      );
      expect(
        Object.fromEntries(d.byStatusAndCluster.map((c) => [`${c.status}|${c.cluster}`, c.count])),
      ).toEqual(clusterCells);
      expect(d.unassessed.total).toBe(unassessed);
      expect(d.unassessed.items.map((i) => i.itemId)).toEqual(
        bruteForce(TrackerQuery.parse({ status: 'none' }), who).slice(0, d.unassessed.items.length),
      );
    }
  });

  it('a rebuild from the same events in another order gives the same documents, summaries included', async () => {
    const started = performance.now();
    const shadow = `${TRACKER}_reordered`;
    const store = new MongoProjectionStore(trackerItemProjection, db, shadow);
    // Assessments first, then commitments, then recommendations, streams newest first within each
    // topic, each stream's own events in order (as the inbox replays them).
    const topic = (e: StoredEvent): number =>
      ['assessment-', 'commitment-', 'recommendation-'].findIndex((t) => e.streamId.startsWith(t));
    const firstSeen = new Map<string, number>();
    events.forEach((e, i) => firstSeen.set(e.streamId, firstSeen.get(e.streamId) ?? i));
    const reordered = [...events].sort(
      (a, b) =>
        topic(a) - topic(b) ||
        firstSeen.get(b.streamId)! - firstSeen.get(a.streamId)! ||
        a.version - b.version,
    );
    for (let i = 0; i < reordered.length; i += BATCH) await store.applyBatch(reordered.slice(i, i + BATCH));
    console.log(`replayed in reverse order: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(await diffReadModels(db.collection(shadow), db.collection(TRACKER))).toEqual([]);
    await db.collection(shadow).drop();
  }, 600_000);

  it('serves every find of every hot query from an index, in milliseconds (p50/p99 printed)', async () => {
    const page2 = (await list({}, staff)).nextCursor!;
    const runs: [string, () => Promise<unknown>][] = [
      ...QUERIES.map(([name, p, who]): [string, () => Promise<unknown>] => [name, () => list(p, who)]),
      ['page 2 (cursor), no filter', () => list({}, staff, page2)],
      ['dashboard', () => new DashboardHandler(reader).execute(new DashboardQuery(staff, NOW))],
      ['dashboard, viewer', () => new DashboardHandler(reader).execute(new DashboardQuery(viewer, NOW))],
      ['item GET', () => reader.get(recId(4242), staff, NOW)],
      ['item GET, commitment', () => reader.get(comId(42), staff, NOW)],
    ];
    const problems: string[] = [];
    const lines: string[] = [];
    for (const [name, run] of runs) {
      finds.length = 0;
      await run();
      const shapes = new Map(finds.map((f) => [JSON.stringify(f), f]));
      for (const [shape, filter] of shapes) {
        const problem = notIndexed(await explainFind(db, TRACKER, { filter }));
        if (problem) problems.push(`${name}: ${shape}: ${problem}`);
      }
      const times: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      lines.push(
        `${name}: p50 ${times[9]!.toFixed(1)} ms, p99 ${times[19]!.toFixed(1)} ms (${shapes.size} find shapes)`,
      );
    }
    console.log(`tracker queries at ${oracle.size} items (query handlers, no HTTP):\n${lines.join('\n')}`);
    expect(problems).toEqual([]);
  }, 600_000);
});
