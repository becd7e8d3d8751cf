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
 * axe-core over every page this slice built, in English and French, the assessment form with its
 * errors shown included: no serious or critical WCAG 2.1 A/AA violation (issue #14).
 */
describe('web app: accessibility scan (axe-core, chromium)', () => {
  let web: WebStack;
  let item: SeededRecommendation;
  let commitment: { id: string };

  beforeAll(async () => {
    web = await startWebStack();
    item = await seedRecommendation(web.stack, 'web-a11y-1', {
      en: 'Guarantee access to justice for victims puffinaccess',
      fr: 'Garantir l’accès à la justice des victimes puffinaccess',
    });
    commitment = await seedCommitment(
      web.stack,
      'web-a11y-c1',
      'Publish the judicial statistics',
      'judiciary',
    );
  });
  afterAll(async () => {
    await web?.close();
  });

  const scan = async (page: Page, what: string): Promise<void> => {
    const violations = await seriousAxeViolations(page);
    expect({ page: what, violations }).toEqual({ page: what, violations: [] });
  };

  it.each([
    ['en-GB', 'en'],
    ['fr-FR', 'fr'],
  ])('finds no serious violation on the sign-in, tracker and item pages (%s)', async (locale, language) => {
    const { page } = await web.newPage(locale);
    await page.goto('/');
    await page.locator('#role').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe(language);
    await scan(page, 'sign-in');

    await signIn(page, 'secretariat');
    await page.locator('ul.counts strong').first().waitFor();
    await page.locator('section[data-query=""] table.items tbody tr').first().waitFor();
    await scan(page, 'tracker');

    await page.goto('/dashboard');
    await page.locator('table.matrix tbody tr').first().waitFor();
    await scan(page, 'dashboard');

    await page.goto(`/items/${item.id}`);
    await page.locator('#assess-status').waitFor();
    await page.locator('form.assess button[type=submit]').click();
    await page.locator('[data-field-error=status]').waitFor();
    await scan(page, 'item with form errors');

    await page.goto(`/items/${commitment.id}`);
    await page.locator('form.extend button[type=submit]').click();
    await page.locator('[data-field-error=dueDate]').waitFor();
    await scan(page, 'commitment with the due-date form’s errors');
  });

  it('sees a violation where there is one (the scan itself works)', async () => {
    const { page } = await web.newPage('en-GB');
    await page.goto('/');
    await page.locator('#role').waitFor();
    // An input with no label: axe's `label` rule, critical.
    await page.evaluate(`document.querySelector('main').append(document.createElement('input'))`);
    const violations = await seriousAxeViolations(page);
    expect(violations.map((v) => v.id)).toContain('label');
  });
});
