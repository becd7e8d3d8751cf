import { type Collection, type Db, type Document, type Filter, MongoClient } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import { explainFind, notIndexed } from '@tracker/platform';
import { testNamespace } from '@tracker/testing';
import {
  auditIndexFields,
  dayOf,
  eventsOf,
  positionFields,
  STORE_LAYOUT,
  type CommitDocument,
  type EventRecord,
} from '../commit-document';
import { testAppendMetadata } from '../event-store.conformance';
import { MongoEventStore } from '../mongo-event-store';
import { scanPositioned } from '../positioned-reads';
import { EventHistory, TimeRangeTooWideError, type EventFilter } from './event-history';

const ns = testNamespace();
let client: MongoClient;

/** A deterministic UUID per number, so fixtures are readable and reruns identical. */
const id = (kind: number, n: number): string =>
  `${kind.toString(16).padStart(8, '0')}-abcd-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** What EventHistory answered before the indexes: every positioned event, checked one by one. */
const scanned = (everything: readonly StoredEvent[], f: EventFilter): StoredEvent[] =>
  everything.filter(
    (e) =>
      (!f.stream || e.streamId === f.stream) &&
      (!f.from || Date.parse(e.metadata.recordedAt) >= f.from.getTime()) &&
      (!f.to || Date.parse(e.metadata.recordedAt) <= f.to.getTime()) &&
      (f.after === undefined || e.position > f.after) &&
      (!f.type || e.type === f.type) &&
      (!f.actor || e.metadata.actor === f.actor) &&
      (!f.mentions || e.streamId.includes(f.mentions) || JSON.stringify(e.data).includes(f.mentions)),
  );

interface HeadDocs {
  _id: string;
  position?: number;
  layout?: number;
  day?: string;
}

/** Every event of a page walk: the first page, then each `next` cursor, as a client pages. */
const walk = async (history: EventHistory, filter: EventFilter, limit: number): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = [];
  let after = filter.after;
  for (;;) {
    const page = await history.page({ ...filter, after }, limit);
    out.push(...page.events);
    if (page.next === null) return out;
    after = page.next;
  }
};

/** The collection, recording the filter of every find (findOne goes through find as well). */
const recording = (
  commits: Collection<CommitDocument>,
): { commits: Collection<CommitDocument>; filters: Filter<Document>[] } => {
  const filters: Filter<Document>[] = [];
  const proxy = new Proxy(commits, {
    get(target, prop, receiver) {
      if (prop !== 'find') return Reflect.get(target, prop, receiver) as unknown;
      return (filter: Filter<CommitDocument>, ...rest: unknown[]) => {
        filters.push(filter as Filter<Document>);
        return (target.find as (...a: unknown[]) => unknown)(filter, ...rest);
      };
    },
  });
  return { commits: proxy, filters };
};

describe('audit event history: the same answers as the scan it replaced', () => {
  const REC = [1, 2, 3, 4].map((n) => id(1, n));
  const COM = [1, 2].map((n) => id(2, n));
  const ASSESSMENT = id(3, 1);
  let db: Db;
  let store: MongoEventStore;
  let everything: StoredEvent[];
  /** Commits land 50 minutes apart from 22:30 on 1 March: several days, partial ones at either end. */
  const start = Date.parse('2026-03-01T22:30:00.000Z');
  let tick = 0;
  const clock = (): Date => new Date(start + tick++ * 50 * 60_000);

  const expectedOf = (f: EventFilter): StoredEvent[] => scanned(everything, f);

  beforeAll(async () => {
    client = await MongoClient.connect(process.env.MONGO_URL!);
    db = client.db(ns.db('history'));
    store = new MongoEventStore(db, clock);
    await store.init();
    const append = (streamId: string, actor: string, events: { type: string; data: unknown }[]) =>
      store.append({
        streamId,
        expectedVersion: 0,
        events: events.map((e) => ({ ...e, schemaVersion: 1 })),
        metadata: { ...testAppendMetadata, actor },
      });
    for (const [i, rec] of REC.entries())
      await append(`recommendation-${rec}`, i % 2 ? 'alice' : 'bob', [
        { type: 'recommendation.created', data: { recommendationId: rec, clusterKey: 'torture' } },
      ]);
    // Two events in one commit, one linking two recommendations.
    await append(`commitment-${COM[0]}`, 'alice', [
      { type: 'commitment.created', data: { commitmentId: COM[0], linkedRecommendationIds: [REC[0]] } },
      {
        type: 'commitment.revised',
        data: { commitmentId: COM[0], linkedRecommendationIds: [REC[0], REC[1]] },
      },
    ]);
    await append(`commitment-${COM[1]}`, 'carol', [
      { type: 'commitment.created', data: { commitmentId: COM[1], linkedRecommendationIds: [] } },
    ]);
    await append(`assessment-${ASSESSMENT}`, 'bob', [
      {
        type: 'assessment.recorded',
        data: { assessmentId: ASSESSMENT, target: { kind: 'recommendation', id: REC[2] } },
      },
    ]);
    // An id inside free text, in capitals: the old substring match found it, so must the index.
    await append('cluster-torture', 'carol', [
      { type: 'recommendation.cluster-titled', data: { note: `merged from ${REC[3]!.toUpperCase()}` } },
    ]);
    for (let k = 0; k < 6; k += 1)
      await append(`recommendation-${id(9, k)}`, 'alice', [
        { type: 'recommendation.tagged', data: { recommendationId: id(9, k), seeAlso: REC[k % 4] } },
      ]);
    while ((await store.assignPositions(500)) > 0);
    // One commit left unpositioned: listed by neither.
    await append(`commitment-${id(2, 9)}`, 'alice', [
      { type: 'commitment.created', data: { commitmentId: id(2, 9), linkedRecommendationIds: [REC[0]] } },
    ]);
    everything = [];
    for await (const batch of scanPositioned(store.commits, 0, await store.headPosition(), 100))
      everything.push(...batch);
  });
  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  const at = (h: number): Date => new Date(start + h * 50 * 60_000);
  const filters: [string, EventFilter][] = [
    ...[...REC, ...COM, ASSESSMENT, REC[3]!.toUpperCase(), id(7, 7)].map((m): [string, EventFilter] => [
      `mentions ${m}`,
      { mentions: m },
    ]),
    ['stream', { stream: `commitment-${COM[0]}` }],
    ['type', { type: 'commitment.revised' }],
    ['actor', { actor: 'carol' }],
    ['type + actor', { type: 'recommendation.tagged', actor: 'alice' }],
    ['from (to now)', { from: at(5) }],
    ['to (from the first day)', { to: at(3) }],
    ['to before the first commit', { to: new Date('2001-01-01') }],
    ['from + to within hours', { from: at(2), to: at(4) }],
    ['from + to across days', { from: at(1), to: at(14) }],
    ['type + actor + from', { type: 'recommendation.created', actor: 'alice', from: at(1) }],
    ['type + from + to', { type: 'recommendation.tagged', from: at(11), to: at(13) }],
    ['actor + to', { actor: 'alice', to: at(6) }],
    ['mentions + after', { mentions: REC[0]!, after: 3 }],
    ['mentions + from', { mentions: REC[0]!, from: at(5) }],
  ];

  it.each(filters)('%s: the same events, in position order, page by page', async (_what, filter) => {
    const history = new EventHistory(store.commits, () => at(20));
    const expected = expectedOf(filter).map((e) => e.eventId);
    expect((await history.page(filter, 1000)).events.map((e) => e.eventId)).toEqual(expected);
    expect((await walk(history, filter, 2)).map((e) => e.eventId)).toEqual(expected);
  });

  it('finds something for the fixture (the comparisons above are not all empty)', () => {
    expect(expectedOf({ mentions: REC[0]! }).map((e) => e.type)).toEqual([
      'recommendation.created',
      'commitment.created',
      'commitment.revised',
      'recommendation.tagged',
      'recommendation.tagged',
    ]);
    expect(expectedOf({ mentions: REC[3]!.toUpperCase() })).toHaveLength(1);
  });

  it('refuses a time range too wide to walk by days, unless an actor or type selects instead', async () => {
    const history = new EventHistory(store.commits, () => at(20));
    await expect(history.page({ from: new Date('2020-01-01') }, 10)).rejects.toThrow(TimeRangeTooWideError);
    const byType = await history.page({ from: new Date('2020-01-01'), type: 'commitment.revised' }, 10);
    expect(byType.events.map((e) => e.eventId)).toEqual(
      expectedOf({ type: 'commitment.revised' }).map((e) => e.eventId),
    );
  });

  it('brings an older store to the current layout once: mentions, keys and the first day', async () => {
    const old = client.db(ns.db('layout2'));
    const commits = old.collection<CommitDocument>('events');
    // Half written before layout 3 (no mentions, no keys), half under layout 3 (no day-qualified keys).
    const docs = (await store.commits.find({ position: { $exists: true } }).toArray()).map(
      ({ mentions, keys, ...rest }, i) =>
        i % 2 ? rest : { ...rest, mentions, keys: keys?.filter((k) => !k.includes('/')) },
    );
    await commits.insertMany(docs);
    const head = Math.max(...docs.map((d) => d.lastPosition ?? 0));
    await old.collection<HeadDocs>('events.head').insertOne({ _id: 'applied', position: head, layout: 3 });
    await new MongoEventStore(old).init();
    for (const c of await commits.find({}).toArray())
      expect({ mentions: c.mentions, keys: c.keys }).toEqual(auditIndexFields(c.events, c.recordedAt));
    expect(await old.collection<HeadDocs>('events.head').findOne({ _id: 'applied' })).toMatchObject({
      position: head,
      layout: STORE_LAYOUT,
    });
    expect(await old.collection<HeadDocs>('events.head').findOne({ _id: 'first-day' })).toMatchObject({
      day: '2026-03-01',
    });
    const history = new EventHistory(commits, () => at(20));
    expect((await history.page({ to: at(3) }, 100)).events.map((e) => e.eventId)).toEqual(
      expectedOf({ to: at(3) }).map((e) => e.eventId),
    );
    await old.dropDatabase();
  });
});

/**
 * ≥ 20,000 commits built as the store builds them (auditIndexFields, positionFields), inserted in bulk.
 * Every query an audit request sends is recorded and explained: none may scan the collection.
 */
describe('audit event history at 20,000 commits: every query is served by an index', () => {
  const COMMITS = 20_000;
  const TYPES = [
    'recommendation.created',
    'recommendation.tagged',
    'recommendation.text-revised',
    'recommendation.position-recorded',
    'commitment.created',
    'commitment.revised',
    'commitment.fulfilled',
    'assessment.recorded',
  ];
  const start = Date.parse('2026-01-05T00:00:00.000Z');
  /** Three minutes apart: about 42 days, 480 commits a day. */
  const recordedAt = (i: number): Date => new Date(start + i * 3 * 60_000);
  const itemOf = (i: number): string => id(1, i % 5_000);
  let db: Db;
  let everything: StoredEvent[];

  const commitAt = (i: number): CommitDocument => {
    const streamId = `${i % 3 === 0 ? 'commitment' : 'recommendation'}-${itemOf(i)}`;
    const at = recordedAt(i);
    const events: EventRecord[] = [
      {
        eventId: id(5, i),
        streamId,
        version: Math.floor(i / 5_000) + 1,
        type: i % 1_000 === 500 ? 'commitment.withdrawn' : TYPES[i % TYPES.length]!,
        schemaVersion: 1,
        data: {
          id: itemOf(i),
          linkedRecommendationIds: [itemOf(i + 1)],
          text: 'The State should adopt a comprehensive law on gender-based violence. '.repeat(6),
        },
        metadata: {
          ...testAppendMetadata,
          actor: `staff-${i % 40}`,
          recordedAt: at.toISOString(),
        },
        prevHash: 'ab'.repeat(32),
        hash: 'cd'.repeat(32),
      },
    ];
    return {
      _id: id(4, i),
      streamId,
      version: events[0]!.version,
      lastVersion: events[0]!.version,
      recordedAt: at,
      ...positionFields(i + 1, i + 1),
      ...auditIndexFields(events, at),
      events,
    };
  };

  beforeAll(async () => {
    client = await MongoClient.connect(process.env.MONGO_URL!);
    db = client.db(ns.db('scale'));
    await new MongoEventStore(db).init();
    const setup = Date.now();
    for (let i = 0; i < COMMITS; i += 1_000)
      await db.collection<CommitDocument>('events').insertMany(
        Array.from({ length: 1_000 }, (_, k) => commitAt(i + k)),
        { ordered: false },
      );
    await db
      .collection<HeadDocs>('events.head')
      .updateOne({ _id: 'applied' }, { $set: { position: COMMITS } }, { upsert: true });
    await db
      .collection<HeadDocs>('events.head')
      .updateOne({ _id: 'first-day' }, { $set: { day: dayOf(recordedAt(0)) } }, { upsert: true });
    process.stderr.write(`[audit scale] ${COMMITS} commits inserted in ${Date.now() - setup} ms\n`);
    everything = Array.from({ length: COMMITS }, (_, i) => commitAt(i)).flatMap(
      (c) => eventsOf(c) as StoredEvent[],
    );
  }, 600_000);
  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  }, 300_000);

  const day = (i: number): string => dayOf(recordedAt(i));
  const shapes: [string, EventFilter][] = [
    ['events?mentions= (an item: its stream and the commits linking it)', { mentions: itemOf(1234) }],
    ['events?stream=', { stream: `recommendation-${itemOf(1234)}` }],
    ['events?type= (an eighth of the history)', { type: 'commitment.fulfilled' }],
    ['events?type= (an eighth, after a cursor)', { type: 'commitment.fulfilled', after: 15_000 }],
    ['events?type= (20 in the whole history)', { type: 'commitment.withdrawn' }],
    ['events?actor=', { actor: 'staff-7' }],
    [
      'events?from=&to= (one day)',
      { from: new Date(`${day(9_000)}T00:00:00Z`), to: new Date(`${day(9_000)}T23:59:59.999Z`) },
    ],
    [
      'events?from=&to= (three hours)',
      { from: recordedAt(9_000), to: new Date(recordedAt(9_000).getTime() + 3 * 3_600_000) },
    ],
    [
      'events?type=&actor=&from= (last week)',
      { type: 'commitment.created', actor: 'staff-4', from: recordedAt(COMMITS - 3_360) },
    ],
    [
      'events?type=&from= (the last two days)',
      { type: 'commitment.revised', from: recordedAt(COMMITS - 960) },
    ],
    ['events (unfiltered, a page after a cursor)', { after: 12_345 }],
  ];

  it.each(shapes)(
    '%s',
    async (what, filter) => {
      const { commits, filters } = recording(db.collection<CommitDocument>('events'));
      const history = new EventHistory(commits, () => recordedAt(COMMITS));
      const started = performance.now();
      const page = await history.page(filter, 100);
      const ms = performance.now() - started;
      expect(page.events.length).toBeGreaterThan(0);
      expect(page.events.map((e) => e.eventId)).toEqual(
        scanned(everything, filter)
          .slice(0, 100)
          .map((e) => e.eventId),
      );
      const distinct = [...new Map(filters.map((f) => [JSON.stringify(f), f])).values()];
      const plans = await Promise.all(distinct.map((f) => explainFind(db, 'events', { filter: f })));
      const scans = plans
        .map((p, i) => [JSON.stringify(distinct[i]), notIndexed(p)] as const)
        .filter(([, why]) => why !== null);
      process.stderr.write(
        `[audit scale] ${what}: ${ms.toFixed(0)} ms for ${page.events.length} events, ` +
          `${filters.length} queries (${plans[0]?.server}: e.g. ${JSON.stringify(distinct[0])} ` +
          `${plans[0]?.indexScans.join('/')})\n`,
      );
      expect(scans).toEqual([]);
    },
    120_000,
  );

  it('prints what the same mentions query cost before the index: every commit, page by page', async () => {
    const commits = db.collection<CommitDocument>('events');
    const mentions = itemOf(1234);
    const started = performance.now();
    let found = 0;
    for await (const batch of scanPositioned(commits, 0, COMMITS, 200))
      for (const e of batch)
        if (e.streamId.includes(mentions) || JSON.stringify(e.data).includes(mentions)) found += 1;
    process.stderr.write(
      `[audit scale] before: mentions by scanning all ${COMMITS} commits: ${(performance.now() - started).toFixed(0)} ms for ${found} events\n`,
    );
    expect(found).toBe(scanned(everything, { mentions }).length);
  }, 300_000);
});
