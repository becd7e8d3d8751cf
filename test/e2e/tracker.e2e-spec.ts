import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { dueInstantOf } from '@tracker/contracts';
import { waitFor } from '@tracker/testing';
import { httpSeedClient, type Summary } from '../../scripts/seed/client';
import { seed as seedAssessments, targetIdOf, type MaliAssessment } from '../../scripts/seed/assessments';
import {
  recommendationIdForKey,
  seed as seedCommitments,
  type MaliCommitment,
} from '../../scripts/seed/commitments';
import { createRequestOf, type MaliRecommendation } from '../../scripts/seed/recommendations';
import { commitmentIdForKey } from '@tracker/contracts';
import { startStack, type Stack } from '../support/stack';

const DATA = path.join(__dirname, '../../data/mali');
const load = <T>(file: string): T => JSON.parse(readFileSync(path.join(DATA, file), 'utf8')) as T;
const allRecommendations = load<MaliRecommendation[]>('recommendations.json');
/** The recommendations the recommendations service accepted (its seed is not what this suite tests). */
const recommendations: MaliRecommendation[] = [];
const commitments = load<MaliCommitment[]>('commitments.json');
const assessments = load<MaliAssessment[]>('assessments.json');

interface Item {
  itemId: string;
  kind: string;
  assessmentStatus: string;
  latestAssessment: { status: string; assessedOn: string } | null;
  overdue: boolean;
  overdueSince: string | null;
  themes: string[];
  commitment: { status: string; overdue: boolean; overdueSince: string | null } | null;
  linkedCommitments: { id: string; overdue: boolean; overdueSince: string | null }[];
  linkedRecommendations: { id: string; citation: string }[];
}
interface Dashboard {
  totals: Record<string, number>;
  byStatus: Record<string, number>;
  byStatusAndTheme: { status: string; theme: string; count: number }[];
  overdueCommitments: { id: string; overdueSince: string }[];
  unassessed: { total: number; items: { itemId: string }[]; nextCursor: string | null };
}

/** What the dashboard must say, computed from the dataset files alone. */
const expectedDashboard = (now: Date) => {
  const themesOfRec = new Map(recommendations.map((r) => [recommendationIdForKey(r.key), r.themes]));
  const items = new Map<string, { themes: readonly string[]; status: string }>();
  for (const r of recommendations)
    items.set(recommendationIdForKey(r.key), { themes: r.themes, status: 'none' });
  for (const c of commitments) {
    const themes = [
      ...new Set(c.linkedRecommendations.flatMap((k) => themesOfRec.get(recommendationIdForKey(k)) ?? [])),
    ];
    items.set(commitmentIdForKey(c.key), { themes, status: 'none' });
  }
  const latest = new Map<string, MaliAssessment>();
  for (const a of assessments) {
    const id = targetIdOf(a.target);
    const prev = latest.get(id);
    if (!prev || a.assessedOn >= prev.assessedOn) latest.set(id, a);
  }
  for (const [id, a] of latest) items.get(id)!.status = a.status;
  const cells = new Map<string, number>();
  const byStatus: Record<string, number> = {};
  for (const { themes, status } of items.values()) {
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    for (const t of themes.length > 0 ? themes : ['unthemed'])
      cells.set(`${status}|${t}`, (cells.get(`${status}|${t}`) ?? 0) + 1);
  }
  return {
    items: items.size,
    byStatus,
    cells: [...cells.entries()].map(([k, count]) => {
      const [status = '', theme = ''] = k.split('|');
      return { status, theme, count };
    }),
    overdue: commitments
      .filter((c) => dueInstantOf(c.dueDate).getTime() <= now.getTime())
      .map((c) => commitmentIdForKey(c.key))
      .sort(),
    assessed: latest.size,
  };
};

describe('the tracker after seeding the Mali dataset', () => {
  let stack: Stack;
  let secretariat: string;
  let summaries: Summary[];
  const api = () => request(stack.gatewayUrl);
  const item = async (id: string, auth = secretariat): Promise<Item> =>
    (await api().get(`/api/tracker/items/${id}`).set('Authorization', auth).expect(200)).body as Item;

  const gbvRec = recommendationIdForKey('hrc-res-40-26-op11');
  const gbvCommitment = commitmentIdForKey('gbv-law');
  const moura = commitmentIdForKey('moura-investigation');
  const mouraRec = recommendationIdForKey('upr-2023-united-states-1');

  beforeAll(async () => {
    stack = await startStack();
    secretariat = `Bearer ${stack.token('secretariat')}`;
    const client = httpSeedClient(stack.gatewayUrl, stack.token('admin'), () => undefined);
    const rejected: string[] = [];
    for (const r of allRecommendations) {
      const res = await api()
        .post('/api/recommendations')
        .set('Authorization', secretariat)
        .send(createRequestOf(r));
      if (res.status === 201) recommendations.push(r);
      else rejected.push(`${r.key}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    if (rejected.length > 0) process.stderr.write(`recommendations not accepted:\n${rejected.join('\n')}\n`);
    summaries = [
      {
        context: 'recommendations',
        read: recommendations.length,
        created: recommendations.length,
        unchanged: 0,
        failed: 0,
      },
      await seedCommitments(client, DATA),
      await seedAssessments(client, DATA),
    ];
    // Wait until the tracker has every item and every assessment.
    const expected = expectedDashboard(new Date());
    let last: unknown = null;
    await waitFor(
      async () => {
        const res = await api().get('/api/dashboard').set('Authorization', secretariat);
        const d = res.body as Dashboard;
        last = { totals: d.totals, summaries };
        return d.totals?.items === expected.items && d.totals.assessed === expected.assessed ? d : undefined;
      },
      { what: 'the tracker to hold the whole dataset', timeoutMs: 90_000 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; last seen: ${JSON.stringify(last)}`);
    });
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('seeds every item once; a second run creates nothing', async () => {
    expect(summaries.map((s) => [s.context, s.read, s.created, s.failed])).toEqual([
      ['recommendations', recommendations.length, recommendations.length, 0],
      ['commitments', commitments.length, commitments.length, 0],
      ['assessments', assessments.length, assessments.length, 0],
    ]);
    const client = httpSeedClient(stack.gatewayUrl, stack.token('admin'), () => undefined);
    const again = [await seedCommitments(client, DATA), await seedAssessments(client, DATA)];
    expect(again.map((s) => [s.created, s.unchanged, s.failed])).toEqual([
      [0, commitments.length, 0],
      [0, assessments.length, 0],
    ]);
  });

  it('answers "is the GBV law adopted?": not implemented, as of 2023', async () => {
    const rec = await item(gbvRec);
    expect(rec).toMatchObject({
      kind: 'recommendation',
      assessmentStatus: 'not-implemented',
      latestAssessment: { status: 'not-implemented', assessedOn: '2023-05-02' },
    });
    expect(rec.linkedCommitments.map((c) => c.id)).toContain(gbvCommitment);
    const commitment = await item(gbvCommitment);
    expect(commitment).toMatchObject({
      kind: 'commitment',
      latestAssessment: { status: 'not-implemented', assessedOn: '2023-05-02' },
    });
    expect(commitment.linkedRecommendations.map((r) => r.citation)).toContain('A/HRC/RES/40/26 OP11');
    expect(commitment.themes).toContain('gender-based-violence');
  });

  it('answers "is the Moura investigation overdue, and since when?" without any lapse event', async () => {
    const row = await item(moura);
    expect(row).toMatchObject({
      kind: 'commitment',
      overdue: true,
      overdueSince: '2024-05-03T00:00:00.000Z',
      commitment: { status: 'open', overdue: true, overdueSince: '2024-05-03T00:00:00.000Z' },
      latestAssessment: { status: 'not-implemented', assessedOn: '2023-06-16' },
    });
    const rec = await item(mouraRec);
    expect(rec.linkedCommitments).toEqual([
      expect.objectContaining({ id: moura, overdue: true, overdueSince: '2024-05-03T00:00:00.000Z' }),
    ]);
  });

  it('the dashboard counts match the seeded data', async () => {
    const now = new Date();
    const expected = expectedDashboard(now);
    const d = (
      await api()
        .get('/api/dashboard')
        .set('Authorization', `Bearer ${stack.token('auditor')}`)
        .expect(200)
    ).body as Dashboard;
    expect(d.totals).toMatchObject({
      items: expected.items,
      recommendations: recommendations.length,
      commitments: commitments.length,
      assessed: expected.assessed,
      unassessed: expected.items - expected.assessed,
      overdueCommitments: expected.overdue.length,
    });
    expect(d.byStatus).toEqual(expected.byStatus);
    const sort = (xs: { status: string; theme: string; count: number }[]) =>
      [...xs].sort((a, b) => `${a.status}|${a.theme}`.localeCompare(`${b.status}|${b.theme}`));
    // Labels (statusLabel, by Accept-Language) may ride along; the counts are what is compared.
    expect(sort(d.byStatusAndTheme.map(({ status, theme, count }) => ({ status, theme, count })))).toEqual(
      sort(expected.cells),
    );
    expect(d.overdueCommitments.map((c) => c.id).sort()).toEqual(expected.overdue);
    // The first 50 unassessed items, then the same list through the tracker's cursor.
    expect(d.unassessed.total).toBe(expected.items - expected.assessed);
    const unassessed = d.unassessed.items.map((i) => i.itemId);
    for (let cursor = d.unassessed.nextCursor; cursor;) {
      const page = (
        await api()
          .get(`/api/tracker?status=none&cursor=${cursor}`)
          .set('Authorization', secretariat)
          .expect(200)
      ).body as { items: Item[]; nextCursor: string | null };
      unassessed.push(...page.items.map((i) => i.itemId));
      cursor = page.nextCursor;
    }
    expect(new Set(unassessed).size).toBe(expected.items - expected.assessed);
    expect(unassessed).toHaveLength(expected.items - expected.assessed);
  });

  it('filters by kind, theme, status, overdue and assessment, page by page', async () => {
    const list = async (q: string): Promise<{ items: Item[]; nextCursor: string | null }> =>
      (await api().get(`/api/tracker?${q}`).set('Authorization', secretariat).expect(200)).body as {
        items: Item[];
        nextCursor: string | null;
      };
    const expected = expectedDashboard(new Date());
    const overdueCommitments = await list('kind=commitment&overdue=true&limit=200');
    expect(overdueCommitments.items.map((i) => i.itemId).sort()).toEqual(expected.overdue);
    const gbv = await list('theme=gender-based-violence&limit=200');
    expect(gbv.items.map((i) => i.itemId)).toEqual(expect.arrayContaining([gbvRec, gbvCommitment]));
    expect(gbv.items.every((i) => i.themes.includes('gender-based-violence'))).toBe(true);
    const notImplemented = await list('status=not-implemented&limit=200');
    expect(notImplemented.items.length).toBe(expected.byStatus['not-implemented']);
    const unassessed = await list('hasAssessment=false&limit=200');
    expect(unassessed.items.length).toBe(expected.items - expected.assessed);
    // Pages of 25 add up to everything, each item once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`limit=25${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((i) => i.itemId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(expected.items);
    expect(seen).toHaveLength(expected.items);
    await api().get('/api/tracker?status=sleeping').set('Authorization', secretariat).expect(400);
    await api()
      .get('/api/tracker/items/0190d4c8-0000-7000-8000-000000000000')
      .set('Authorization', secretariat)
      .expect(404);
  });

  describe('assessments', () => {
    const evidence = [{ source: 'Journal officiel', date: '2025-01-10', summary: 'Decree published.' }];

    it('keep the full history, newest first; a later one becomes the latest', async () => {
      const res = await api()
        .post('/api/assessments')
        .set('Authorization', secretariat)
        .send({
          target: { kind: 'commitment', id: moura },
          status: 'in-progress',
          assessedOn: '2025-01-10',
          evidence,
        });
      expect(res.status).toBe(201);
      const history = (
        await api()
          .get(`/api/assessments?targetKind=commitment&targetId=${moura}`)
          .set('Authorization', `Bearer ${stack.token('viewer')}`)
          .expect(200)
      ).body as { items: { status: string; assessedOn: string; assessor: string }[] };
      expect(history.items.map((i) => [i.status, i.assessedOn])).toEqual([
        ['in-progress', '2025-01-10'],
        ['not-implemented', '2023-06-16'],
      ]);
      expect(history.items[0]!.assessor).toBe('test-secretariat');
      await waitFor(async () => ((await item(moura)).assessmentStatus === 'in-progress' ? true : undefined), {
        what: 'the tracker to show the new assessment',
      });
    });

    it('a focal point assesses only commitments of its own institution', async () => {
      const body = {
        target: { kind: 'commitment', id: moura },
        status: 'in-progress',
        assessedOn: '2025-02-01',
        evidence: [],
      };
      // Moura: transitional-authorities and judiciary.
      await api()
        .post('/api/assessments')
        .set('Authorization', `Bearer ${stack.token('focal-point', 'judiciary')}`)
        .send(body)
        .expect(201);
      const other = await api()
        .post('/api/assessments')
        .set('Authorization', `Bearer ${stack.token('focal-point', 'ministry-of-defence')}`)
        .send(body);
      expect(other.status).toBe(403);
      expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
      await api()
        .post('/api/assessments')
        .set('Authorization', `Bearer ${stack.token('focal-point', 'judiciary')}`)
        .send({ ...body, target: { kind: 'recommendation', id: gbvRec } })
        .expect(403);
      for (const role of ['auditor', 'viewer'] as const)
        await api()
          .post('/api/assessments')
          .set('Authorization', `Bearer ${stack.token(role)}`)
          .send(body)
          .expect(403);
    });

    it('bad input is a 4xx problem+json', async () => {
      const base = {
        target: { kind: 'commitment', id: moura },
        status: 'in-progress',
        assessedOn: '2024-01-01',
      };
      const cases: [Record<string, unknown>, number][] = [
        [{ ...base, status: 'done-ish' }, 400],
        [{ ...base, assessedOn: '2999-01-01' }, 422],
        [{ ...base, target: { kind: 'commitment', id: '0190d4c8-0000-7000-8000-000000000000' } }, 404],
        [{ ...base, target: { kind: 'treaty', id: moura } }, 400],
      ];
      for (const [body, status] of cases) {
        const res = await api().post('/api/assessments').set('Authorization', secretariat).send(body);
        expect([res.status, res.headers['content-type']]).toEqual([
          status,
          expect.stringMatching(/^application\/problem\+json/),
        ]);
      }
      await api().get('/api/assessments?targetKind=commitment').set('Authorization', secretariat).expect(400);
    });
  });
});
