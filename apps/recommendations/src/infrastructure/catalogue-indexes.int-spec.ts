import { MongoClient, type Db } from 'mongodb';
import type { Principal } from '@tracker/auth';
import { ListRecommendationsQuery as ListQueryShape } from '@tracker/contracts';
import { testNamespace } from '@tracker/testing';
import {
  ListRecommendationsHandler,
  ListRecommendationsQuery,
} from '../application/queries/list-recommendations.query';
import { CatalogueIndexes } from './catalogue-indexes';
import { CITES_KEY, POSTINGS, RECENT_KEY } from './catalogue-postings';
import { CATALOGUE } from './recommendation-catalogue.projection';

const ns = testNamespace();
const staff: Principal = { subject: 's', role: 'secretariat', institution: null };

/** A row as the catalogue stored it before docs/adr/0009: search fields of its own, no `keys`. */
const legacyRow = (n: number, text: string) => ({
  _id: `0190b6f0-0000-7000-8000-00000000000${n}`,
  recommendationId: `0190b6f0-0000-7000-8000-00000000000${n}`,
  externalKey: `legacy-${n}`,
  mechanism: 'upr',
  recommendingEntities: ['France'],
  document: { symbol: null, paragraph: null, citation: `UPR Mali 2018 (France) ${n}`, date: `2018-0${n}-01` },
  upr: { cycle: 3, session: null },
  text: { en: text, fr: null },
  themes: [],
  affectedGroups: [],
  sdgTargets: [],
  position: null,
  clusterKey: null,
  published: true,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  searchTokens: ['old'],
  entityKeys: ['france'],
  _applied: { [`recommendation-${n}`]: 1 },
  _rev: 1,
});

describe('a catalogue written before its postings', () => {
  let client: MongoClient;
  let db: Db;
  const list = (q: Partial<ListQueryShape>) =>
    new ListRecommendationsHandler(db).execute(new ListRecommendationsQuery(ListQueryShape.parse(q), staff));

  beforeAll(async () => {
    client = await MongoClient.connect(process.env.MONGO_URL!);
    db = client.db(ns.db('recommendations'));
    await db
      .collection<{ _id: string }>(CATALOGUE)
      .insertMany([legacyRow(1, 'Abolish torture'), legacyRow(2, 'Ratify the convention against torture')]);
  });
  afterAll(async () => {
    await client?.db(ns.db('recommendations')).dropDatabase();
    await client?.close();
  });

  it('is indexed once at start: searchable, shown without its old search fields', async () => {
    expect((await list({ q: 'torture' })).items).toEqual([]);
    await new CatalogueIndexes(db).onModuleInit();
    const page = await list({ q: 'torture', entity: 'france' });
    expect(page.items.map((i) => i.externalKey)).toEqual(['legacy-2', 'legacy-1']);
    expect(Object.keys(page.items[0]!)).not.toContain('searchTokens');
    expect(Object.keys(page.items[0]!)).not.toContain('entityKeys');

    const postings = await db.collection(POSTINGS).countDocuments({ keys: 'tok:torture@2018' });
    await new CatalogueIndexes(db).onModuleInit();
    expect(await db.collection(POSTINGS).countDocuments({ keys: 'tok:torture@2018' })).toBe(postings);
  });

  it('gets its citation partitions and recent updates once at start when it was indexed before they existed', async () => {
    await new CatalogueIndexes(db).onModuleInit();
    // What a catalogue indexed by the previous version holds: no citation partitions, no recent updates.
    await db.collection(POSTINGS).deleteMany({ keys: CITES_KEY });
    await db.collection(POSTINGS).deleteMany({ keys: /^cite:/ });
    await db.collection(POSTINGS).deleteMany({ keys: RECENT_KEY });
    expect((await list({ sort: 'citation' })).items).toEqual([]);
    expect((await list({ sort: '-updated' })).items).toEqual([]);
    await new CatalogueIndexes(db).onModuleInit();
    expect((await list({ sort: 'citation' })).items.map((i) => i.externalKey)).toEqual([
      'legacy-1',
      'legacy-2',
    ]);
    expect((await list({ sort: '-citation' })).items.map((i) => i.externalKey)).toEqual([
      'legacy-2',
      'legacy-1',
    ]);
    expect((await list({ sort: '-updated' })).items.map((i) => i.externalKey)).toEqual([
      'legacy-2',
      'legacy-1',
    ]);
    const postings = await db.collection(POSTINGS).countDocuments();
    await new CatalogueIndexes(db).onModuleInit();
    expect(await db.collection(POSTINGS).countDocuments()).toBe(postings);
  });
});
