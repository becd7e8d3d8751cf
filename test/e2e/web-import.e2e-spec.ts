import type { Page } from 'playwright-core';
import request from 'supertest';
import { seriousAxeViolations, signIn, startWebStack, type WebStack } from '../support/web';

/** The research table (text, to, decision, From, year): two good rows and one without its text. */
const goodCsv = [
  ['text', 'to', 'decision', 'From', 'year'],
  ['1.1 Guarantee free primary schooling ospreyimport', 'Mali', 'accepted', 'France', '2023'],
  ['1.2 Protect journalists ospreyimport', 'Mali', 'noted', 'Brazil', '2023'],
  ['', 'Mali', 'accepted', 'Chile', '2023'],
]
  .map((r) => r.join(','))
  .join('\r\n');
const badCsv = 'name,colour\r\nfoo,blue\r\n';

/**
 * The import page: a dry run of a bad file shows the problem; a dry run of a good one shows the counts
 * and the refused rows with their reasons, and only then is the import offered; it runs with its
 * progress shown and the rows reach the tracker (issue #14).
 */
describe('web app: import with a dry run (chromium)', () => {
  let web: WebStack;

  beforeAll(async () => {
    web = await startWebStack();
  });
  afterAll(async () => {
    await web?.close();
  });

  const choose = (page: Page, name: string, text: string) =>
    page
      .locator('#import-file')
      .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });

  it('shows the problem of a bad file, and offers no import', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    await page.locator('nav a[href="/import"]').click();
    await page.locator('#import-dry-run').click();
    await page.locator('[data-field-error=file]').waitFor();
    await choose(page, 'colours.csv', badCsv);
    await page.locator('#import-dry-run').click();
    await page.locator('.problem[role=alert]').waitFor();
    expect(await page.locator('.problem[role=alert]').innerText()).toMatch(/header/i);
    expect(await page.locator('#import-run').isDisabled()).toBe(true);
  });

  it('checks a good file (counts, refused rows with reasons), then imports it with progress', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    await page.goto('/import');
    await choose(page, 'research.csv', goodCsv);
    expect(await page.locator('#import-run').isDisabled()).toBe(true);
    await page.locator('#import-dry-run').click();
    const dry = page.locator('[data-report=dry-run]');
    await dry.waitFor();
    expect(await dry.locator('[data-count=read]').innerText()).toBe('3');
    expect(await dry.locator('[data-count=created]').innerText()).toBe('2');
    expect(await dry.locator('[data-count=rejected]').innerText()).toBe('1');
    expect(await dry.locator('tr[data-row="3"]').innerText()).toMatch(/text/i);
    // Nothing was written by the dry run.
    const auth = `Bearer ${web.stack.token('secretariat')}`;
    const found = async (): Promise<number> =>
      (
        (await request(web.url).get('/api/tracker?q=ospreyimport').set('Authorization', auth)).body as {
          items: unknown[];
        }
      ).items.length;
    expect(await found()).toBe(0);

    const sending = page.locator('[data-sending=import] progress');
    await page.locator('#import-run').click();
    await sending.waitFor();
    const done = page.locator('[data-report=import]');
    await done.waitFor();
    expect(await done.locator('[data-count=created]').innerText()).toBe('2');
    // The same file again: its rows are there now (by their keys), so nothing is left to import.
    await page.locator('#import-dry-run').click();
    const again = page.locator('[data-report=dry-run]');
    await again.waitFor();
    expect(await again.locator('[data-count=unchanged]').innerText()).toBe('2');
    expect(await again.locator('[data-count=created]').innerText()).toBe('0');
    expect(await page.locator('#import-run').isDisabled()).toBe(true);
  });

  it.each(['en-GB', 'fr-FR'])(
    'finds no serious accessibility violation on the import page (%s)',
    async (locale) => {
      const { page } = await web.newPage(locale);
      await signIn(page, 'secretariat');
      await page.goto('/import');
      await choose(page, 'research.csv', goodCsv);
      await page.locator('#import-dry-run').click();
      await page.locator('[data-report=dry-run]').waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
    },
  );
});
