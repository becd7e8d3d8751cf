import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient, type Db } from 'mongodb';
import type { Principal } from '@tracker/auth';
import {
  CreateRecommendationRequest,
  ListRecommendationsQuery as ListQueryShape,
  type RecommendationCreatedData,
  type StoredEvent,
} from '@tracker/contracts';
import { entityKey, explainFind, notIndexed, queryTokens, searchTokens } from '@tracker/platform';
import { MongoProjectionStore } from '@tracker/projections';
import { storedEvent, testNamespace, waitFor } from '@tracker/testing';
import {
  draftFromRequest,
  recommendationIdFor,
} from '../create-recommendation/create-recommendation.command';
import { readCsv } from '../../infrastructure/import/readers';
import {
  ALL_KEY,
  catalogueYears,
  citeKey,
  citePartitions,
  CITES_KEY,
  partitionKey,
  RECENT_KEY,
  POSTINGS,
  postingFind,
  rowKeys,
  tokenKey,
  writePostings,
  YEARS_KEY,
  yearOf,
} from '../../infrastructure/catalogue-postings';
import {
  CATALOGUE,
  recommendationCatalogueProjection,
} from '../../infrastructure/recommendation-catalogue.projection';
import { cataloguePlan, plannedReads, sortSpec } from './catalogue-filter';
import { exportedRows } from './export-recommendations';
import { ListClustersHandler, ListClustersQuery } from './list-clusters.query';
import { ListRecommendationsHandler, ListRecommendationsQuery } from './list-recommendations.query';

/**
 * The catalogue at real scale (docs/adr/0009): the research CSVs of test/fixtures/upr-2008-2011 plus
 * copies, > 20,000 rows fed through the projection in Kafka-sized batches, then some staff changes.
 * Every query a page issues is explained (an index, no scan) and answers what a brute-force filter and
 * sort of the same rows answers.
 */
const ns = testNamespace();
const THEMES = ['torture', 'death-penalty', 'women-rights', 'children', 'justice', 'education'];
const GROUPS = ['children', 'women', 'migrants', 'persons-with-disabilities'];
const COPIES = 1_500;
const BATCH = 500;

const staff: Principal = { subject: 's', role: 'secretariat', institution: null };
const viewer: Principal = { subject: 'v', role: 'viewer', institution: null };

/** A small deterministic hash, to spread tags, clusters and drafts over the rows. */
const h = (s: string): number => {
  let x = 2166136261;
  for (const c of s) x = Math.imul(x ^ c.charCodeAt(0), 16777619) >>> 0;
  return x;
};

const loadRows = async (): Promise<RecommendationCreatedData[]> => {
  const out: RecommendationCreatedData[] = [];
  for (const year of ['2009', '2010', '2011']) {
    for await (const source of readCsv(
      join(__dirname, '../../../../../test/fixtures/upr-2008-2011', `${year}.csv`),
    )) {
      if (!('mapped' in source)) continue;
      const parsed = CreateRecommendationRequest.safeParse(source.mapped.request);
      if (!parsed.success) continue;
      const draft = draftFromRequest(parsed.data);
      const n = h(draft.externalKey ?? draft.text.en);
      out.push({
        ...draft,
        recommendationId: recommendationIdFor(draft.externalKey),
        themes: [THEMES[n % THEMES.length]!],
        affectedGroups: n % 3 === 0 ? [GROUPS[n % GROUPS.length]!] : [],
        clusterKey: n % 97 === 0 ? `cluster-${n % 7}` : null,
        published: n % 5 !== 0,
      });
    }
  }
  const seen = new Set<string>();
  const unique = out.filter((r) => !seen.has(r.recommendationId) && seen.add(r.recommendationId));
  const copies = unique.slice(0, COPIES).map((r, i): RecommendationCreatedData => {
    const externalKey = `${r.externalKey ?? i}-copy`;
    return {
      ...r,
      externalKey,
      recommendationId: recommendationIdFor(externalKey),
      document: {
        ...r.document,
        date: `2015${r.document.date.slice(4)}`,
        citation: `${r.document.citation} (copy)`,
      },
    };
  });
  return [...unique, ...copies];
};

/** What each row is, as the oracle sees it: the final state, rebuilt from the events here. */
interface OracleRow {
  readonly row: RecommendationCreatedData;
  readonly version: number;
  readonly updatedAt: string;
}

const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

/** Staff changes on a few hundred rows: each moves a row out of keys it was under (removals). */
const changesOf = (rows: RecommendationCreatedData[], oracle: Map<string, OracleRow>): StoredEvent[] => {
  const events: StoredEvent[] = [];
  rows.forEach((r, i) => {
    if (i % 60 !== 0) return;
    const id = r.recommendationId;
    const stream = `recommendation-${id}`;
    const when = at(10 + (i % 1000));
    let row = r;
    const kind = (i / 60) % 4;
    if (kind === 0) {
      row = { ...row, text: { en: 'Abolish the practice entirely (revised)', fr: null } };
      events.push(
        storedEvent(stream, 2, 'recommendation.text-revised', { recommendationId: id, text: row.text }, when),
      );
    } else if (kind === 1) {
      row = { ...row, published: !row.published };
      events.push(
        storedEvent(
          stream,
          2,
          row.published ? 'recommendation.published' : 'recommendation.unpublished',
          { recommendationId: id },
          when,
        ),
      );
    } else if (kind === 2) {
      row = { ...row, themes: ['education'], affectedGroups: [] };
      events.push(
        storedEvent(
          stream,
          2,
          'recommendation.tagged',
          { recommendationId: id, themes: row.themes, affectedGroups: [], sdgTargets: row.sdgTargets },
          when,
        ),
      );
    } else {
      const position = { value: 'noted' as const, date: null, source: null };
      row = { ...row, position, clusterKey: 'cluster-moved' };
      events.push(
        storedEvent(stream, 2, 'recommendation.position-recorded', { recommendationId: id, position }, when),
      );
      events.push(
        storedEvent(
          stream,
          3,
          'recommendation.cluster-assigned',
          { recommendationId: id, clusterKey: 'cluster-moved' },
          when,
        ),
      );
    }
    oracle.set(id, { row, version: events[events.length - 1]!.version, updatedAt: when });
  });
  return events;
};

type Params = Partial<ListQueryShape>;

/** The brute-force answer: every row filtered and sorted in memory. */
const bruteForce = (oracle: Map<string, OracleRow>, p: ListQueryShape, who: Principal): string[] => {
  const tokens = p.q ? queryTokens(p.q) : [];
  const matching = [...oracle.values()].filter(({ row }) => {
    const words = new Set(
      searchTokens(
        row.text.en,
        row.text.fr,
        row.document.citation,
        row.document.symbol,
        ...row.recommendingEntities,
      ),
    );
    return (
      (!p.mechanism || row.mechanism === p.mechanism) &&
      (!p.entity || row.recommendingEntities.some((e) => entityKey(e) === entityKey(p.entity!))) &&
      (!p.theme || row.themes.includes(p.theme)) &&
      (!p.group || row.affectedGroups.includes(p.group)) &&
      (!p.position || (row.position?.value ?? 'none') === p.position) &&
      (p.cycle === undefined || row.upr?.cycle === p.cycle) &&
      (!p.cluster || row.clusterKey === p.cluster) &&
      (who.role !== 'viewer' || row.published) &&
      (p.published === undefined || row.published === p.published) &&
      tokens.every((t) => words.has(t))
    );
  });
  const spec = sortSpec(p.sort);
  const value = (o: OracleRow): string =>
    spec.field === 'date'
      ? o.row.document.date
      : spec.field === 'citation'
        ? o.row.document.citation
        : o.updatedAt;
  return matching
    .map((o) => [value(o), o.row.recommendationId] as const)
    .sort(
      (a, b) =>
        (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) * spec.direction,
    )
    .map(([, id]) => id);
};

/** The hot queries of the catalogue page: each filter alone, combined, each sort, a viewer. */
const QUERIES: readonly [string, Params, Principal][] = [
  ['q=torture', { q: 'torture' }, staff],
  ['q=women violence', { q: 'women violence' }, staff],
  ['q=rights (a word in a third of the rows)', { q: 'rights' }, staff],
  ['entity=France', { entity: 'France' }, staff],
  ['entity=france, viewer', { entity: 'france' }, viewer],
  ['theme=torture', { theme: 'torture' }, staff],
  ['theme + position', { theme: 'justice', position: 'noted' }, staff],
  ['group=migrants', { group: 'migrants' }, staff],
  ['cluster=cluster-3', { cluster: 'cluster-3' }, staff],
  ['mechanism=upr, cycle=1', { mechanism: 'upr', cycle: 1 }, staff],
  ['position=supported', { position: 'supported' }, staff],
  ['no filter, -date', {}, staff],
  ['no filter, date', { sort: 'date' }, staff],
  ['no filter, viewer', {}, viewer],
  ['q=education, citation', { q: 'education', sort: 'citation' }, staff],
  ['entity=Canada, -citation', { entity: 'Canada', sort: '-citation' }, staff],
  ['theme=education, -updated', { theme: 'education', sort: '-updated' }, staff],
  ['no filter, updated', { sort: 'updated' }, staff],
  ['no filter, -updated', { sort: '-updated' }, staff],
  ['no filter, -updated, viewer', { sort: '-updated' }, viewer],
  ['no filter, citation', { sort: 'citation' }, staff],
  ['no filter, -citation, viewer', { sort: '-citation' }, viewer],
];

describe('the catalogue at 20,000 rows: indexed, and right', () => {
  let client: MongoClient;
  let db: Db;
  let list: ListRecommendationsHandler;
  const oracle = new Map<string, OracleRow>();
  const run = (p: Params, who: Principal, cursor?: string) =>
    list.execute(new ListRecommendationsQuery(ListQueryShape.parse({ ...p, limit: 50, cursor }), who));

  beforeAll(async () => {
    client = await MongoClient.connect(process.env.MONGO_URL!);
    db = client.db(ns.db('recommendations'));
    list = new ListRecommendationsHandler(db);
    const rows = await loadRows();
    expect(rows.length).toBeGreaterThanOrEqual(20_000);
    // The projection as the service runs it, timing its postings apart from the rows.
    let postingMs = 0;
    const store = new MongoProjectionStore(
      {
        ...recommendationCatalogueProjection,
        beforeWrite: async (changes, into) => {
          const t = performance.now();
          await writePostings(changes, into);
          postingMs += performance.now() - t;
        },
      },
      db,
    );
    await db.collection(POSTINGS).createIndex({ keys: 1 }, { name: 'keys' });
    const created = rows.map((r, i) => {
      const when = at(i % 5);
      oracle.set(r.recommendationId, { row: r, version: 1, updatedAt: when });
      return storedEvent(`recommendation-${r.recommendationId}`, 1, 'recommendation.created', r, when);
    });
    const started = performance.now();
    for (let i = 0; i < created.length; i += BATCH) await store.applyBatch(created.slice(i, i + BATCH));
    const seconds = (performance.now() - started) / 1000;
    const postings = await db.collection(POSTINGS).estimatedDocumentCount();
    console.log(
      `projected ${created.length} rows in batches of ${BATCH}: ${seconds.toFixed(1)} s ` +
        `(${((seconds * 1000) / created.length).toFixed(2)} ms/row), of which postings ` +
        `${(postingMs / 1000).toFixed(1)} s (${postings} posting documents)`,
    );
    await store.applyBatch(changesOf(rows, oracle));
    // 20,000 rows through the projection: ~2 minutes on 2 busy cores.
  }, 900_000);
  afterAll(async () => {
    await client?.db(ns.db('recommendations')).dropDatabase();
    await client?.close();
  });

  it('serves every find of every query from an index (no scan, no sort)', async () => {
    const years = await catalogueYears(db);
    const finds: [string, string, object][] = [
      [CATALOGUE, 'a row by _id', { filter: { _id: [...oracle.keys()][0]! } }],
      [POSTINGS, 'the years', postingFind(YEARS_KEY)],
    ];
    for (const [name, p, who] of QUERIES)
      for (const key of plannedReads(cataloguePlan(ListQueryShape.parse(p), who)))
        for (const year of years)
          finds.push([POSTINGS, `${name}: postings of ${key}@${year}`, postingFind(partitionKey(key, year))]);
    // An unfiltered citation sort: the partitions, then the first and last partition's postings.
    finds.push([POSTINGS, 'the citation partitions', postingFind(CITES_KEY)]);
    finds.push([POSTINGS, 'the recent updates', postingFind(RECENT_KEY)]);
    const partitions = [...(await citePartitions(db))];
    expect(partitions.length).toBeGreaterThan(100);
    for (const [prefix, inYears] of [partitions[0]!, partitions[partitions.length - 1]!])
      for (const year of inYears)
        finds.push([
          POSTINGS,
          `citation partition ${prefix}@${year}`,
          postingFind(partitionKey(citeKey(prefix), year)),
        ]);
    const problems: string[] = [];
    for (const [collection, what, find] of finds) {
      const problem = notIndexed(await explainFind(db, collection, find as { filter: object }));
      if (problem) problems.push(`${what}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('a retried batch writes no posting twice', async () => {
    const { row, version, updatedAt } = [...oracle.values()][1]!;
    const after = { ...row, version, updatedAt, keys: rowKeys({ ...row, version, updatedAt }) };
    const count = () =>
      db.collection(POSTINGS).countDocuments({ keys: partitionKey(ALL_KEY, yearOf(row.document.date)) });
    const before = await count();
    await writePostings([{ id: row.recommendationId, before: null, after }], db);
    const once = await count();
    await writePostings([{ id: row.recommendationId, before: null, after }], db);
    expect(once).toBe(before + 1);
    expect(await count()).toBe(once);
  });

  it.each(QUERIES)(
    '%s: page 1 and page 2 (cursor) are what a brute-force sort of every row gives',
    async (_name, p, who) => {
      const expected = bruteForce(oracle, ListQueryShape.parse(p), who);
      const first = await run(p, who);
      expect(first.items.map((i) => i.recommendationId)).toEqual(expected.slice(0, 50));
      expect(first.nextCursor === null).toBe(expected.length <= 50);
      if (first.nextCursor) {
        const second = await run(p, who, first.nextCursor);
        expect(second.items.map((i) => i.recommendationId)).toEqual(expected.slice(50, 100));
      }
    },
  );

  it('exports every matching row in order, and lists a cluster with its members', async () => {
    const p = ListQueryShape.parse({ theme: 'children', sort: 'citation' });
    const exported: string[] = [];
    for await (const row of exportedRows(db, cataloguePlan(p, staff), sortSpec(p.sort)))
      exported.push(row.recommendationId);
    expect(exported).toEqual(bruteForce(oracle, p, staff));
    const [moved] = await new ListClustersHandler(db).execute(new ListClustersQuery(staff, 'cluster-moved'));
    expect(moved!.members.map((m) => m.recommendationId).sort()).toEqual(
      [...oracle.values()]
        .filter((o) => o.row.clusterKey === 'cluster-moved')
        .map((o) => o.row.recommendationId)
        .sort(),
    );
  });

  it('answers each query in milliseconds (p50/p99 of 20 runs, printed) and stays right once compacted', async () => {
    const lines: string[] = [];
    for (const [name, p, who] of QUERIES) {
      const times: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        const t = performance.now();
        await run(p, who);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      lines.push(`${name}: p50 ${times[9]!.toFixed(1)} ms, p99 ${times[19]!.toFixed(1)} ms`);
      const again = await run(p, who);
      expect(again.items.map((i) => i.recommendationId)).toEqual(
        bruteForce(oracle, ListQueryShape.parse(p), who).slice(0, 50),
      );
    }
    console.log(`catalogue queries at ${oracle.size} rows (through the query handler):\n${lines.join('\n')}`);
    // The readers merged the postings they found piled up (the sorts by updated and citation read every year).
    for (const key of [ALL_KEY, tokenKey('education')])
      await waitFor(
        async () =>
          (await db.collection(POSTINGS).countDocuments({ keys: partitionKey(key, '2011') })) <= 9
            ? true
            : undefined,
        { timeoutMs: 30_000, intervalMs: 500, what: `${key}@2011 compacted` },
      );
  });

  it('pages by -updated past the rows the recent updates keep, in the brute-force order', async () => {
    const p = { sort: '-updated' } as const;
    await run(p, staff);
    // The reader above merged the piled-up recent postings, keeping the rows updated last.
    await waitFor(
      async () =>
        (await db.collection(POSTINGS).countDocuments({ keys: RECENT_KEY })) === 1 ? true : undefined,
      { timeoutMs: 30_000, intervalMs: 500, what: 'recent updates compacted' },
    );
    const expected = bruteForce(oracle, ListQueryShape.parse(p), staff).slice(0, 2_600);
    const ids: string[] = [];
    let cursor: string | undefined;
    while (ids.length < expected.length) {
      const page = await run(p, staff, cursor);
      ids.push(...page.items.map((i) => i.recommendationId));
      cursor = page.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(ids.slice(0, expected.length)).toEqual(expected);
  }, 120_000);
});
