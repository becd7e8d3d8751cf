import type { Page } from 'playwright-core';
import request from 'supertest';
import { waitFor } from '@tracker/testing';
import {
  seedRecommendation,
  seriousAxeViolations,
  signIn,
  startWebStack,
  waitForCounts,
  type SeededRecommendation,
  type WebStack,
} from '../support/web';

/**
 * The dashboard's charts: status by theme and by cluster as stacked bars whose segments are as wide as
 * their counts and link to the tracker view behind them (issue #14).
 */
describe('web app: dashboard charts (chromium)', () => {
  let web: WebStack;
  let clustered: SeededRecommendation[];

  let lone: SeededRecommendation;
  const env = { ...process.env };

  beforeAll(async () => {
    // "Days" of 1 s checked every 0.5 s, a global period of 3650 of them: only an item given a period
    // of its own goes stale here (the "no recent assessment" list).
    process.env.ASSESSMENT_STALE_AFTER_DAYS = '3650';
    process.env.ASSESSMENT_STALE_DAY_MS = '1000';
    process.env.ASSESSMENT_STALE_CHECK_INTERVAL_MS = '500';
    web = await startWebStack();
    clustered = [
      await seedRecommendation(
        web.stack,
        'web-chart-1',
        { en: 'Protect rights defenders plover1', fr: 'Protéger les défenseurs plover1' },
        { clusterKey: 'rights-defenders' },
      ),
      await seedRecommendation(
        web.stack,
        'web-chart-2',
        { en: 'Investigate threats to defenders plover2', fr: 'Enquêter sur les menaces plover2' },
        { clusterKey: 'rights-defenders' },
      ),
    ];
    lone = await seedRecommendation(
      web.stack,
      'web-chart-3',
      { en: 'Ratify the protocol plover3', fr: 'Ratifier le protocole plover3' },
      { themes: ['torture-prevention'] },
    );
    await waitForCounts(web.stack, 3);
  });
  afterAll(async () => {
    await web?.close();
    process.env = env;
  });

  const segment = (page: Page, chart: string, group: string, status: string) =>
    page.locator(`#${chart} li[data-group="${group}"] .seg.status-${status}`);
  const rowIds = async (page: Page): Promise<string[]> => {
    const query = new URL(page.url()).searchParams.toString();
    const rows = page.locator(`section[data-query="${query}"] tbody tr`);
    await page.locator(`section[data-query="${query}"]`).waitFor();
    const ids: string[] = [];
    for (const r of await rows.all()) ids.push((await r.getAttribute('data-item-id')) ?? '');
    return ids.sort();
  };

  it('draws status by theme, each segment as wide as its count, linking to its tracker view', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    await page.goto('/dashboard');
    const themeSegment = segment(page, 'chart-themes', 'gender-based-violence', 'none');
    await themeSegment.waitFor();
    expect(await themeSegment.innerText()).toBe('2');
    expect(await themeSegment.getAttribute('aria-label')).toBe('gender-based-violence — Not assessed yet: 2');
    expect(await segment(page, 'chart-clusters', 'rights-defenders', 'none').innerText()).toBe('2');
    // The widths hold the proportion (set through the DOM, which the page's CSP allows).
    const width = async (l: typeof themeSegment): Promise<number> => (await l.boundingBox())?.width ?? 0;
    const other = segment(page, 'chart-themes', 'torture-prevention', 'none');
    expect(await other.innerText()).toBe('1');
    expect((await width(other)) / (await width(themeSegment))).toBeCloseTo(1 / 2, 1);

    await themeSegment.click();
    await page.waitForURL(
      (u) => u.pathname === '/tracker' && u.searchParams.get('theme') === 'gender-based-violence',
    );
    expect(new URL(page.url()).searchParams.get('status')).toBe('none');
    expect(await rowIds(page)).toEqual(clustered.map((c) => c.id).sort());
  });

  it('draws status by cluster, a segment opening the cluster’s view in the tracker', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    await page.goto('/dashboard');
    await segment(page, 'chart-clusters', 'rights-defenders', 'none').click();
    await page.waitForURL((u) => u.searchParams.get('cluster') === 'rights-defenders');
    expect(await rowIds(page)).toEqual(clustered.map((c) => c.id).sort());
  });

  it('lists the items with no recent assessment, linking to the tracker view of them all', async () => {
    const auth = `Bearer ${web.stack.token('secretariat')}`;
    await request(web.stack.gatewayUrl)
      .put(`/api/tracker/items/${lone.id}/stale-after`)
      .set('Authorization', auth)
      .send({ staleAfterDays: 2, reason: 'reported on every two days' })
      .expect(200);
    await waitFor(
      async () => {
        const res = await request(web.stack.gatewayUrl)
          .get('/api/tracker?stale=true')
          .set('Authorization', auth);
        const ids = (res.body as { items?: { itemId: string }[] }).items?.map((i) => i.itemId) ?? [];
        return ids.includes(lone.id) ? true : undefined;
      },
      { what: 'the item to go stale' },
    );
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    await page.goto('/dashboard');
    const list = page.locator('ul[data-stale]');
    await list.getByRole('link', { name: lone.en }).waitFor();
    expect(await list.locator('li').count()).toBe(1);
    await page.getByRole('link', { name: 'All items with no recent assessment, in the tracker' }).click();
    await page.waitForURL((u) => u.pathname === '/tracker' && u.searchParams.get('stale') === 'true');
    expect(await rowIds(page)).toEqual([lone.id]);
  });

  it.each(['en-GB', 'fr-FR'])(
    'finds no serious accessibility violation on the dashboard with its charts (%s)',
    async (locale) => {
      const { page } = await web.newPage(locale);
      await signIn(page, 'secretariat');
      await page.goto('/dashboard');
      await segment(page, 'chart-clusters', 'rights-defenders', 'none').waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
    },
  );
});
