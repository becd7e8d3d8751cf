/*
 * Screenshots (the first screenful) of the web app's pages in English and French, for the README: against a running stack
 * (`npm run up`, the Mali dataset seeded), in Debian's chromium (deploy/local/chromium.sh).
 * Usage: npm run screenshots [-- --gateway http://127.0.0.1:3000] [--out docs/screenshots]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../..');
const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return (i >= 0 ? args[i + 1] : undefined) ?? fallback;
};
const gateway = flag('gateway', 'http://127.0.0.1:3000');
const out = path.resolve(ROOT, flag('out', 'docs/screenshots'));

const shoot = async (page: Page, name: string): Promise<void> => {
  const file = path.join(out, `${name}.png`);
  await page.screenshot({ path: file });
  process.stderr.write(`[screenshots] ${path.relative(ROOT, file)}\n`);
};

const main = async (): Promise<void> => {
  mkdirSync(out, { recursive: true });
  const executablePath = execFileSync('bash', [path.join(ROOT, 'deploy/local/chromium.sh')], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop();
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--disable-dev-shm-usage'],
  });
  try {
    for (const language of ['en', 'fr'] as const) {
      const context = await browser.newContext({
        baseURL: gateway,
        locale: language === 'fr' ? 'fr-FR' : 'en-GB',
        viewport: { width: 1200, height: 900 },
      });
      const page = await context.newPage();
      await page.goto('/');
      await page.locator('#role').waitFor();
      await shoot(page, `sign-in-${language}`);
      await page.locator('#role').selectOption('secretariat');
      await page.locator('form button[type=submit]').click();
      await page.locator('table.items tbody tr').first().waitFor();
      await page.locator('ul.counts strong').first().waitFor();
      await shoot(page, `tracker-${language}`);
      await page.goto('/dashboard');
      await page.locator('table.matrix tbody tr').first().waitFor();
      // Every section loaded (the deadlines come from a request of their own).
      await page.waitForLoadState('networkidle');
      await page.locator('main [aria-busy="true"]').waitFor({ state: 'detached' });
      await shoot(page, `dashboard-${language}`);
      // An item with assessments, so the page shows its history.
      await page.goto('/tracker?status=in-progress');
      await page.locator('section[data-query="status=in-progress"] table.items tbody tr a').first().click();
      await page.locator('ol.history li').first().waitFor();
      await shoot(page, `item-${language}`);
      const itemId = /\/items\/([0-9a-f-]{36})/.exec(page.url())?.[1];
      await page.goto('/alerts');
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.locator('main table.items, main [aria-busy="true"]').first().waitFor();
      await page.waitForLoadState('networkidle');
      await shoot(page, `alerts-${language}`);
      await page.goto('/import');
      await page.locator('main input[type=file]').waitFor();
      await shoot(page, `import-${language}`);
      // The auditor's page, with an item's state as of today asked and one chain verified.
      await page.locator('header .who button').last().click();
      await page.locator('#role').selectOption('auditor');
      await page.locator('form button[type=submit]').click();
      await page.locator('nav a[href="/audit"]').waitFor();
      const today = new Date().toISOString().slice(0, 10);
      await page.goto(`/audit?item=${itemId ?? ''}&asOf=${today}`);
      await page.locator('li[data-service="follow-up"] button').click();
      // "Intact: …" / "Intacte : …" (the running "Verifying…" has no colon).
      await page.locator('li[data-service="follow-up"] .verify-result', { hasText: ':' }).waitFor();
      await page.locator('#as-of-result').waitFor();
      await shoot(page, `audit-${language}`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
};

main().catch((err: unknown) => {
  process.stderr.write(`[screenshots] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
