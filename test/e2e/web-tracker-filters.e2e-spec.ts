import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import {
  seedCommitment,
  seedRecommendation,
  seriousAxeViolations,
  signIn,
  startWebStack,
  type SeededRecommendation,
  type WebStack,
} from '../support/web';

/**
 * The tracker's filters beyond the first slice (mechanism, recommending state, institution, cluster,
 * stale), its text search over recommendations and commitments (GET /api/tracker?q=), deep links, and
 * the export of the filtered view as CSV and XLSX (GET /api/tracker/export), in a real browser.
 */
describe('web app: tracker filters, text search and export (chromium)', () => {
  let web: WebStack;
  let upr: SeededRecommendation;
  let treaty: SeededRecommendation;
  let health: { id: string; title: string };
  let justice: { id: string; title: string };

  beforeAll(async () => {
    web = await startWebStack();
    upr = await seedRecommendation(web.stack, 'web-f-1', {
      en: 'Adopt the law on domestic violence heronfilter',
      fr: 'Adopter la loi sur les violences domestiques heronfilter',
    });
    treaty = await seedRecommendation(
      web.stack,
      'web-f-2',
      {
        en: 'Ratify the optional protocol kestrelfilter',
        fr: 'Ratifier le protocole facultatif kestrelfilter',
      },
      { mechanism: 'treaty-body', recommendingEntities: ['Côte d’Ivoire'] },
    );
    health = await seedCommitment(
      web.stack,
      'web-f-c1',
      'Open maternal clinics heronfilter',
      'ministry-of-health',
    );
    justice = await seedCommitment(web.stack, 'web-f-c2', 'Train the judges', 'ministry-of-justice');
  });
  afterAll(async () => {
    await web?.close();
  });

  /** The rows shown for the page's current URL, once they are there. */
  const shownIds = async (page: Page): Promise<string[]> => {
    const query = new URL(page.url()).searchParams.toString();
    await page.locator(`section[data-query="${query}"]`).waitFor();
    const rows = page.locator(`section[data-query="${query}"] tbody tr`);
    const ids: string[] = [];
    for (const row of await rows.all()) ids.push((await row.getAttribute('data-item-id')) ?? '');
    return ids;
  };

  it('opens a deep link with mechanism and recommending state, its filters shown in the form', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    // The state's name folded: capitals, accents and the apostrophe's shape do not matter.
    await page.goto("/tracker?mechanism=treaty-body&entity=COTE+D'IVOIRE");
    expect(await shownIds(page)).toEqual([treaty.id]);
    expect(await page.locator('#filter-mechanism').inputValue()).toBe('treaty-body');
    expect(await page.locator('#filter-entity').inputValue()).toBe("COTE D'IVOIRE");
    await page.goto('/tracker?mechanism=upr');
    expect(await shownIds(page)).toEqual([upr.id]);
  });

  it('filters by institution from the form, the URL holding it, and finds words in commitments too', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    await page.locator('#filter-institution').fill('ministry-of-health');
    await page.locator('form.filters button[type=submit]').click();
    await page.waitForURL((u) => u.searchParams.get('institution') === 'ministry-of-health');
    expect(await shownIds(page)).toEqual([health.id]);

    await page.goto('/tracker');
    await page.locator('#filter-q').fill('HERONFILTER');
    await page.locator('form.filters button[type=submit]').click();
    await page.waitForURL((u) => u.searchParams.get('q') === 'HERONFILTER');
    expect((await shownIds(page)).sort()).toEqual([upr.id, health.id].sort());

    // Nothing is stale on a stack this young: the filter answers, and answers nothing.
    await page.goto('/tracker?stale=true&kind=commitment');
    expect(await shownIds(page)).toEqual([]);
    expect(await page.locator('#filter-stale').isChecked()).toBe(true);
  });

  it('exports the filtered view (every page) as CSV and XLSX', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    await page.goto('/tracker?q=heronfilter&limit=1');
    await shownIds(page);

    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#export-csv').click(),
    ]);
    expect(csvDownload.suggestedFilename()).toMatch(/^tracker-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await csvDownload.path(), 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^Id,Kind,Citation or title,/);
    // Both items although the page shows one: the file is the view, not the page.
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual([upr.id, health.id].sort());
    expect(csv).not.toContain(treaty.id);
    expect(csv).not.toContain(justice.id);

    const [xlsxDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#export-xlsx').click(),
    ]);
    expect(xlsxDownload.suggestedFilename()).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await xlsxDownload.path());
    const ids: string[] = [];
    workbook.getWorksheet('Tracker')!.eachRow((row, n) => {
      if (n > 1) ids.push(row.getCell(1).text);
    });
    expect(ids.sort()).toEqual([upr.id, health.id].sort());
  });

  it.each(['en-GB', 'fr-FR'])(
    'finds no serious accessibility violation with every filter set (%s)',
    async (locale) => {
      const { page } = await web.newPage(locale);
      await signIn(page, 'secretariat');
      await page.goto(
        '/tracker?mechanism=upr&entity=Ecuador&institution=x&cluster=y&stale=true&overdue=true&q=heronfilter',
      );
      await shownIds(page);
      expect(await seriousAxeViolations(page)).toEqual([]);
    },
  );
});
