import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { waitFor } from '@tracker/testing';
import { httpSeedClient } from '../../scripts/seed/client';
import type { MaliCluster } from '../../scripts/seed/clusters';
import type { MaliRecommendation } from '../../scripts/seed/recommendations';
import { runSeed } from '../../scripts/seed';
import { startStack, type Stack } from '../support/stack';

const ROOT = path.join(__dirname, '..', '..');
const MALI = path.join(ROOT, 'data', 'mali');
const UHRI_FIXTURE = path.join(ROOT, 'test', 'fixtures', 'uhri', 'mali-uhri.xlsx');
const items = JSON.parse(
  readFileSync(path.join(MALI, 'recommendations.json'), 'utf8'),
) as MaliRecommendation[];

interface Entry {
  recommendationId: string;
  externalKey: string | null;
  mechanism: string;
  recommendingEntities: string[];
  document: { citation: string; date: string; symbol: string | null };
  text: { en: string; fr: string | null };
  themes: string[];
  position: { value: string; date: string | null; source: string | null } | null;
  clusterKey: string | null;
  published: boolean;
  version: number;
}
interface Page {
  items: Entry[];
  nextCursor: string | null;
}
interface Report {
  read: number;
  created: number;
  unchanged: number;
  rejected: { row: number; reason: string }[];
}

const clusterTitles = JSON.parse(readFileSync(path.join(MALI, 'clusters.json'), 'utf8')) as MaliCluster[];
const titleOf = (key: string): MaliCluster['title'] => clusterTitles.find((c) => c.key === key)!.title;

interface ClusterView {
  clusterKey: string;
  title: { en: string; fr: string } | null;
  size: number;
  members: { citation: string; recommendingEntities: string[] }[];
}

const keysOf = (entries: readonly Entry[]): string[] => entries.map((e) => e.externalKey!).sort();

describe('recommendations catalogue: the Mali dataset, search, updates, import and export', () => {
  let stack: Stack;
  let mongo: MongoClient;
  let auth: Record<'admin' | 'secretariat' | 'viewer', string>;

  const get = (url: string, who: keyof typeof auth = 'secretariat') =>
    request(stack.gatewayUrl).get(url).set('Authorization', auth[who]);
  const list = async (query: string, who: keyof typeof auth = 'secretariat'): Promise<Entry[]> => {
    const res = await get(`/api/recommendations?limit=200&${query}`, who);
    expect(res.status).toBe(200);
    return (res.body as Page).items;
  };
  const events = () => mongo.db(stack.ns.db('recommendations')).collection('events');
  const titledClusters = () =>
    mongo.db(stack.ns.db('recommendations')).collection('recommendation_cluster_titles');
  const catalogue = () => mongo.db(stack.ns.db('recommendations')).collection('recommendation_catalogue');
  const catalogueHas = (n: number) =>
    waitFor(async () => ((await catalogue().countDocuments()) === n ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `${n} catalogue entries`,
    });
  const byKey = async (key: string): Promise<Entry> => {
    const found = (await list(`q=${encodeURIComponent(key)}`)).find((e) => e.externalKey === key);
    if (found) return found;
    const all = await list('');
    return all.find((e) => e.externalKey === key)!;
  };
  const upload = (file: string | Buffer, name: string, query = '') =>
    request(stack.gatewayUrl)
      .post(`/api/recommendations/import${query}`)
      .set('Authorization', auth.secretariat)
      .attach('file', file, name);

  beforeAll(async () => {
    stack = await startStack();
    mongo = await MongoClient.connect(process.env.MONGO_URL!);
    auth = {
      admin: `Bearer ${stack.token('admin')}`,
      secretariat: `Bearer ${stack.token('secretariat')}`,
      viewer: `Bearer ${stack.token('viewer')}`,
    };
  });
  afterAll(async () => {
    await mongo?.close();
    await stack?.close();
  });

  describe('seeding the Mali dataset', () => {
    let firstCatalogue: Entry[];

    it('loads every item, and a second run yields the same catalogue and no new event', async () => {
      const quiet = (): void => undefined;
      const client = httpSeedClient(stack.gatewayUrl, stack.token('admin'), quiet);
      const [first, titles] = await runSeed(client, MALI);
      expect(first).toEqual({
        context: 'recommendations',
        read: items.length,
        created: items.length,
        unchanged: 0,
        failed: 0,
      });
      expect(titles).toEqual({
        context: 'clusters',
        read: clusterTitles.length,
        created: clusterTitles.length,
        unchanged: 0,
        failed: 0,
      });
      await catalogueHas(items.length);
      await waitFor(
        async () => ((await titledClusters().countDocuments()) === clusterTitles.length ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 200, what: `${clusterTitles.length} cluster titles` },
      );
      firstCatalogue = await list('sort=citation');
      const firstClusters = (await get('/api/recommendations/clusters')).body as ClusterView[];
      const eventCount = await events().countDocuments();

      const [second, titlesAgain] = await runSeed(client, MALI);
      expect(second).toMatchObject({ created: 0, unchanged: items.length, failed: 0 });
      expect(titlesAgain).toMatchObject({ created: 0, unchanged: clusterTitles.length, failed: 0 });
      expect(await events().countDocuments()).toBe(eventCount);
      expect(await list('sort=citation')).toEqual(firstCatalogue);
      expect((await get('/api/recommendations/clusters')).body).toEqual(firstClusters);
    });

    it('the GBV-law cluster comes back with its title, its members and their citations', async () => {
      const res = await get('/api/recommendations/clusters/gbv-law');
      expect(res.status).toBe(200);
      const cluster = res.body as ClusterView;
      expect(cluster.title).toEqual(titleOf('gbv-law'));
      expect(cluster.title?.en).toMatch(/gender-based violence/i);
      const expected = items.filter((i) => i.cluster === 'gbv-law').map((i) => i.document.citation);
      expect(cluster.members.map((m) => m.citation).sort()).toEqual(expected.sort());
      expect(cluster.members.map((m) => m.citation)).toEqual(
        expect.arrayContaining([
          'A/HRC/RES/40/26 OP11',
          'UPR Mali 2023 — Ecuador, bullet 4',
          'UPR Mali 2023 — Gabon, bullet 2',
          'UPR Mali 2023 — United Kingdom, bullet 3',
        ]),
      );
      const all = (await get('/api/recommendations/clusters')).body as ClusterView[];
      expect(all.map((c) => c.clusterKey)).toEqual([...new Set(items.map((i) => i.cluster))].sort());
      expect(all.map((c) => [c.clusterKey, c.title])).toEqual(
        all.map((c) => [c.clusterKey, titleOf(c.clusterKey)]),
      );
      expect((await get('/api/recommendations/clusters/no-such-cluster')).status).toBe(404);
    });

    it('the Moura recommendation comes back with its citation', async () => {
      const found = await list('q=Moura');
      expect(keysOf(found)).toEqual(
        items
          .filter((i) => /moura/i.test(i.text.en))
          .map((i) => i.key)
          .sort(),
      );
      const moura = found.filter((e) => e.document.citation === 'S/2023/402 para 19');
      expect(moura).toHaveLength(1);
      expect(moura[0]).toMatchObject({
        externalKey: 's-2023-402-para-19',
        mechanism: 'ohchr',
        recommendingEntities: ['High Commissioner for Human Rights'],
        document: { symbol: 'S/2023/402', citation: 'S/2023/402 para 19', date: '2023-06-16' },
      });
      // An undated item keeps the year its source attests.
      expect((await byKey('watchlist-caac-1')).document.date).toBe('2023');
      const one = await get(`/api/recommendations/${moura[0]!.recommendationId}`);
      expect(one.body).toMatchObject({ document: { citation: 'S/2023/402 para 19' } });
    });
  });

  describe('cluster titles', () => {
    const putTitle = (key: string, body: unknown, who: keyof typeof auth = 'secretariat') =>
      request(stack.gatewayUrl)
        .put(`/api/recommendations/clusters/${key}`)
        .set('Authorization', auth[who])
        .send(body as object);
    const clusterOf = (key: string, who: keyof typeof auth = 'secretariat') =>
      get(`/api/recommendations/clusters/${key}`, who);
    const titledCommits = (key: string) => events().countDocuments({ streamId: `cluster-${key}` });

    it('re-titles a cluster: shown in the list and the cluster; the same title again appends nothing', async () => {
      const title = {
        en: 'Adopt and enforce a law on gender-based violence',
        fr: 'Adopter et appliquer une loi sur les violences basées sur le genre',
      };
      const before = await titledCommits('gbv-law');
      expect(before).toBe(1);
      const res = await putTitle('gbv-law', { title });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ clusterKey: 'gbv-law', title, version: 2, changed: true });
      expect(res.headers.etag).toBe('"2"');
      await waitFor(
        async () => {
          const all = (await get('/api/recommendations/clusters')).body as ClusterView[];
          return all.find((c) => c.clusterKey === 'gbv-law')?.title?.en === title.en ? true : undefined;
        },
        { what: 'the new title in the clusters list' },
      );
      expect(((await clusterOf('gbv-law', 'viewer')).body as ClusterView).title).toEqual(title);

      // Whitespace is trimmed before comparing: this is the same title.
      const again = await putTitle('gbv-law', { title: { fr: ` ${title.fr}`, en: title.en } });
      expect(again.body).toEqual({ clusterKey: 'gbv-law', title, version: 2, changed: false });
      expect(await titledCommits('gbv-law')).toBe(2);

      const stale = await putTitle('gbv-law', { title: titleOf('gbv-law') }).set('If-Match', '"1"');
      expect(stale.status).toBe(412);
      const current = await putTitle('gbv-law', { title: titleOf('gbv-law') }).set('If-Match', '"2"');
      expect(current.body).toMatchObject({ version: 3, changed: true });
    });

    it('a cluster may be titled before anything is assigned to it: listed with size 0', async () => {
      const title = { en: 'Protect journalists', fr: 'Protéger les journalistes' };
      expect((await clusterOf('journalists-safety')).status).toBe(404);
      expect((await putTitle('journalists-safety', { title })).body).toMatchObject({ changed: true });
      const cluster = await waitFor(
        async () => {
          const r = await clusterOf('journalists-safety');
          return r.status === 200 ? (r.body as ClusterView) : undefined;
        },
        { what: 'the titled cluster' },
      );
      expect(cluster).toEqual({ clusterKey: 'journalists-safety', title, size: 0, members: [] });
    });

    it('refuses a bad key and a bad title with 400 problems; a viewer may not title', async () => {
      const title = titleOf('death-penalty-abolition');
      const bad: [string, unknown][] = [
        ['Not_A_Slug', { title }],
        ['death-penalty-abolition', { title: { en: title.en } }],
        ['death-penalty-abolition', { title: { fr: title.fr } }],
        ['death-penalty-abolition', { title: { ...title, en: '   ' } }],
        ['death-penalty-abolition', { title: { ...title, fr: 'x'.repeat(201) } }],
        ['death-penalty-abolition', { title: { ...title, de: 'Todesstrafe abschaffen' } }],
        ['death-penalty-abolition', { title: title.en }],
        ['death-penalty-abolition', {}],
      ];
      const before = await events().countDocuments();
      for (const [key, body] of bad) {
        const res = await putTitle(key, body);
        expect({ key, body, status: res.status }).toEqual({ key, body, status: 400 });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      expect((await putTitle('death-penalty-abolition', { title }, 'viewer')).status).toBe(403);
      expect(await events().countDocuments()).toBe(before);
    });
  });

  describe('search and filters on the Mali data return exactly the expected items', () => {
    const expectKeys = async (query: string, predicate: (i: MaliRecommendation) => boolean) => {
      const expected = items
        .filter(predicate)
        .map((i) => i.key)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(keysOf(await list(query))).toEqual(expected);
    };

    it('by theme', () => expectKeys('theme=death-penalty', (i) => i.themes.includes('death-penalty')));
    it('by theme and mechanism', () =>
      expectKeys(
        'theme=gender-based-violence&mechanism=upr',
        (i) => i.themes.includes('gender-based-violence') && i.mechanism === 'upr',
      ));
    it('by recommending state, case-insensitively', () =>
      expectKeys('entity=united%20states', (i) => i.recommendingEntity === 'United States'));
    it('by affected group', () => expectKeys('group=children', (i) => i.affectedGroups.includes('children')));
    it('by UPR cycle', () => expectKeys('cycle=4', (i) => i.upr?.cycle === 4));
    it('by cluster', () => expectKeys('cluster=gbv-law', (i) => i.cluster === 'gbv-law'));
    it('by text: every word must occur, case and accents folded', () =>
      expectKeys('q=HOUSE%20arrest', (i) => /house arrest/i.test(i.text.en)));
    it('by text and state together', () =>
      expectKeys(
        'q=death%20penalty&entity=switzerland',
        (i) => /death penalty/i.test(i.text.en) && i.recommendingEntity === 'Switzerland',
      ));
    it('a word nobody used finds nothing', async () => {
      expect(await list('q=zanzibarquux')).toEqual([]);
    });

    it('pages with an opaque cursor through every item exactly once, in a stable order', async () => {
      const seen: Entry[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(`/api/recommendations?limit=10&sort=date${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        const page = res.body as Page;
        expect(page.items.length).toBeLessThanOrEqual(10);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(items.length);
      expect(new Set(seen.map((e) => e.recommendationId)).size).toBe(items.length);
      const dates = seen.map((e) => e.document.date);
      expect(dates).toEqual([...dates].sort());
    });

    it('rejects a forged cursor, a limit over 200 and an unknown filter with 400 problems', async () => {
      for (const q of ['cursor=bm90LWEtY3Vyc29y', 'limit=201', 'colour=red', 'position=maybe']) {
        const res = await get(`/api/recommendations?${q}`);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    });
  });

  describe('changing a recommendation', () => {
    it('revises, records a position, tags, clusters; needs If-Match; a no-op emits no event', async () => {
      const target = await byKey('upr-2023-united-states-1');
      const id = target.recommendationId;
      const url = `/api/recommendations/${id}`;
      const send = (method: 'patch' | 'post' | 'put', sub: string, body: object, version?: number) => {
        const r = request(stack.gatewayUrl)[method](`${url}/${sub}`).set('Authorization', auth.secretariat);
        return (version === undefined ? r : r.set('If-Match', `"${version}"`)).send(body);
      };

      expect((await send('patch', 'text', { fr: 'Texte français' })).status).toBe(428);
      expect((await send('patch', 'text', { fr: 'Texte français' }, 7)).status).toBe(412);
      const revised = await send('patch', 'text', { fr: 'Texte français' }, 1);
      expect(revised.status).toBe(200);
      expect(revised.body).toEqual({ recommendationId: id, version: 2, changed: true });
      expect(revised.headers.etag).toBe('"2"');
      const same = await send('patch', 'text', { fr: 'Texte français' }, 2);
      expect(same.body).toEqual({ recommendationId: id, version: 2, changed: false });

      const position = { value: 'supported-in-part', date: '2023-07-10', source: 'A/HRC/54/8/Add.1' };
      expect((await send('post', 'positions', position, 2)).body).toMatchObject({
        version: 3,
        changed: true,
      });
      expect(
        (await send('patch', 'tags', { themes: ['death-penalty', 'torture-prevention'] }, 3)).body,
      ).toMatchObject({
        version: 4,
      });
      expect((await send('put', 'cluster', { clusterKey: 'gbv-law' }, 4)).body).toMatchObject({ version: 5 });
      expect((await send('put', 'cluster', { clusterKey: 'gbv-law' }, 5)).body).toMatchObject({
        version: 5,
        changed: false,
      });

      const entry = await waitFor(
        async () => {
          const res = await get(url);
          return (res.body as Entry).version === 5 ? (res.body as Entry) : undefined;
        },
        { what: 'version 5 in the catalogue' },
      );
      expect(entry).toMatchObject({
        text: { fr: 'Texte français' },
        position,
        themes: ['death-penalty', 'torture-prevention'],
        clusterKey: 'gbv-law',
      });
      expect(keysOf(await list('position=supported-in-part'))).toEqual(['upr-2023-united-states-1']);
      expect(keysOf(await list('q=fran%C3%A7ais'))).toEqual(['upr-2023-united-states-1']);
      expect(keysOf(await list('q=FRANCAIS'))).toEqual(['upr-2023-united-states-1']);

      const streamEvents = await events().countDocuments({ streamId: `recommendation-${id}` });
      expect(streamEvents).toBe(5);
      expect((await send('put', 'cluster', { clusterKey: 'Not A Slug' }, 5)).status).toBe(400);
      expect((await send('patch', 'tags', {}, 5)).status).toBe(400);
      const unknown = await request(stack.gatewayUrl)
        .put('/api/recommendations/0190d4c8-0000-7000-8000-000000000000/publication')
        .set('Authorization', auth.secretariat)
        .set('If-Match', '"1"')
        .send({ published: false });
      expect(unknown.status).toBe(404);
    });

    it('viewers see published items only; unpublishing hides one from them', async () => {
      const target = await byKey('upr-2023-japan-1');
      const viewerUrl = `/api/recommendations/${target.recommendationId}`;
      expect((await get(viewerUrl, 'viewer')).status).toBe(200);
      const res = await request(stack.gatewayUrl)
        .put(`${viewerUrl}/publication`)
        .set('Authorization', auth.secretariat)
        .set('If-Match', `"${target.version}"`)
        .send({ published: false });
      expect(res.body).toMatchObject({ changed: true });
      await waitFor(async () => ((await get(viewerUrl, 'viewer')).status === 404 ? true : undefined), {
        what: 'the draft to disappear for viewers',
      });
      expect(keysOf(await list('entity=Japan', 'viewer'))).toEqual([]);
      expect(keysOf(await list('entity=Japan&published=false'))).toEqual(['upr-2023-japan-1']);
      const write = await request(stack.gatewayUrl)
        .put(`${viewerUrl}/publication`)
        .set('Authorization', auth.viewer)
        .set('If-Match', '"1"')
        .send({ published: true });
      expect(write.status).toBe(403);
    });
  });

  describe('UHRI XLSX import and export', () => {
    let exported: Buffer;

    it('imports the UHRI-format fixture, dry-runs and re-imports it without creating anything', async () => {
      const first = await upload(UHRI_FIXTURE, 'mali-uhri.xlsx');
      expect(first.status).toBe(200);
      const report = first.body as Report;
      expect(report).toMatchObject({
        format: 'xlsx',
        read: items.length,
        created: items.length,
        unchanged: 0,
        rejected: [],
      });
      const again = (await upload(UHRI_FIXTURE, 'mali-uhri.xlsx', '?dryRun=true')).body as Report;
      expect(again).toMatchObject({ dryRun: true, read: items.length, created: 0, unchanged: items.length });
      await catalogueHas(items.length * 2);
      const moura = (await list('q=Moura')).find((e) => e.externalKey === 'uhri-s-2023-402-para-19');
      expect(moura).toMatchObject({
        mechanism: 'ohchr',
        document: { symbol: 'S/2023/402', date: '2023-06-16' },
        themes: ['accountability', 'impunity', 'justice-system'],
        sdgTargets: ['16.3'],
      });
      const us = (await list('entity=United%20States')).filter((e) => e.externalKey?.startsWith('uhri-'));
      expect(us.map((e) => e.mechanism)).toEqual(['upr', 'upr', 'upr']);
    });

    it('exports the filtered list as XLSX that re-imports to the same recommendations (0 created)', async () => {
      const res = await get('/api/recommendations/export?format=xlsx&sort=citation')
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      exported = res.body as Buffer;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(exported as unknown as ArrayBuffer);
      const sheet = wb.worksheets[0]!;
      expect(sheet.getRow(1).values).toEqual(
        expect.arrayContaining(['Text', 'Reccomending Body', 'UPR Reccomending States']),
      );
      expect(sheet.actualRowCount).toBe(items.length * 2 + 1);

      const back = await upload(exported, 'export.xlsx');
      expect(back.body).toMatchObject({
        read: items.length * 2,
        created: 0,
        unchanged: items.length * 2,
        rejected: [],
      });
    });

    it('exports CSV with the same filters; it re-imports unchanged too', async () => {
      const res = await get('/api/recommendations/export?format=csv&theme=death-penalty');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const csv = res.text;
      const expected = (await list('theme=death-penalty')).length;
      const back = await upload(Buffer.from(csv, 'utf8'), 'export.csv');
      expect(back.body).toMatchObject({ format: 'csv', read: expected, created: 0, unchanged: expected });
    });

    it('imports JSON lines of the create shape; bad lines are rejected with their line number, the good ones kept', async () => {
      const good = {
        externalKey: 'jsonl-e2e-1',
        mechanism: 'ngo',
        recommendingEntities: ['Amnesty International'],
        document: { citation: 'Amnesty 2024, p. 3', date: '2024-01-15' },
        text: { en: 'Release detained journalists.' },
      };
      const body = [JSON.stringify(good), '{"mechanism": "upr"}', 'not json', JSON.stringify(good)].join(
        '\n',
      );
      const res = await upload(Buffer.from(body), 'items.jsonl');
      expect(res.body).toMatchObject({ format: 'jsonl', read: 4, created: 1, unchanged: 1 });
      expect((res.body as Report).rejected.map((r) => r.row)).toEqual([2, 3]);
    });
  });

  describe('bad files get a 4xx problem+json naming the problem', () => {
    const expectProblem = async (res: request.Response, status: number, detail: RegExp) => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((res.body as { detail: string }).detail).toMatch(detail);
    };

    it('not a spreadsheet', async () =>
      expectProblem(
        await upload(
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
          'photo.png',
        ),
        415,
        /not a spreadsheet/,
      ));
    it('a corrupt workbook', async () =>
      expectProblem(
        await upload(Buffer.from('PK\x03\x04garbage'), 'broken.xlsx'),
        400,
        /not a readable XLSX/,
      ));
    it('wrong headers', async () =>
      expectProblem(
        await upload(Buffer.from('name,colour\nfoo,red\n'), 'wrong.csv'),
        422,
        /missing Text, Document Symbol/,
      ));
    it('empty', async () => expectProblem(await upload(Buffer.alloc(0), 'empty.csv'), 400, /empty/));
    it('headers and no rows', async () =>
      expectProblem(
        await upload(Buffer.from('text,to,decision,from,year\n'), 'header-only.csv'),
        400,
        /no data rows/,
      ));
    it('50 MB', async () =>
      expectProblem(await upload(Buffer.alloc(50 * 1024 * 1024, 0x41), 'huge.csv'), 413, /exceeds/));
    it('no file at all', async () => {
      const res = await request(stack.gatewayUrl)
        .post('/api/recommendations/import')
        .set('Authorization', auth.secretariat)
        .field('format', 'csv');
      await expectProblem(res, 400, /field "file"/);
    });
    it('a viewer may not import', async () => {
      const res = await request(stack.gatewayUrl)
        .post('/api/recommendations/import')
        .set('Authorization', auth.viewer)
        .attach('file', UHRI_FIXTURE);
      expect(res.status).toBe(403);
    });
  });
});
