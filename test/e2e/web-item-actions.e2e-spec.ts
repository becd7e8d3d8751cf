import type { Page, Request } from 'playwright-core';
import { seedCommitment, seriousAxeViolations, signIn, startWebStack, type WebStack } from '../support/web';

/**
 * The item page's commitment actions beyond the due-date extension (mark fulfilled, withdraw, record
 * a lapse), each checked before sending, sent with If-Match and an Idempotency-Key, the API's field
 * errors shown at the field; and the audit history (who, when, why) an auditor reads there.
 */
describe('web app: commitment actions and audit history on the item page (chromium)', () => {
  let web: WebStack;
  let toFulfil: { id: string; title: string };
  let toWithdraw: { id: string; title: string };
  let overdue: { id: string; title: string };

  beforeAll(async () => {
    web = await startWebStack();
    toFulfil = await seedCommitment(
      web.stack,
      'web-act-1',
      'Publish the prison census',
      'ministry-of-justice',
    );
    toWithdraw = await seedCommitment(
      web.stack,
      'web-act-2',
      'Open a second forensic lab',
      'ministry-of-justice',
    );
    overdue = await seedCommitment(
      web.stack,
      'web-act-3',
      'Adopt the juvenile justice decree',
      'ministry-of-justice',
      '2024-01-31',
    );
  });
  afterAll(async () => {
    await web?.close();
  });

  const open = async (page: Page, id: string, title: string): Promise<void> => {
    await page.goto(`/items/${id}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  };
  const writes = (page: Page, path: string): Request[] => {
    const seen: Request[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(path)) seen.push(r);
    });
    return seen;
  };

  it('marks a commitment fulfilled: checked before sending, then sent with If-Match and an Idempotency-Key', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    await open(page, toFulfil.id, toFulfil.title);
    const sent = writes(page, `/api/commitments/${toFulfil.id}/fulfilment`);
    const submit = page.locator('form.fulfil button[type=submit]');

    await submit.click();
    await page.locator('form.fulfil [data-field-error="evidence.0.source"]').waitFor();
    expect(await page.locator('#fulfil-evidence\\.0\\.summary').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#fulfil-evidence\\.0\\.source').fill('Journal officiel');
    await page.locator('#fulfil-evidence\\.0\\.summary').fill('The census was published.');
    await page.locator('#fulfil-evidence\\.0\\.link').fill('ftp://example.org/census');
    await submit.click();
    await page.locator('form.fulfil [data-field-error="evidence.0.link"]').waitFor();
    expect(sent).toHaveLength(0);

    await page.locator('#fulfil-evidence\\.0\\.link').fill('https://example.org/census');
    await submit.click();
    await page.getByText('The commitment was marked fulfilled.').waitFor();
    await page.locator('[data-commitment-status="fulfilled"]').waitFor();
    expect(sent).toHaveLength(1);
    const headers = await sent[0]!.allHeaders();
    expect(headers['if-match']).toBe('"1"');
    expect(headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    // Nothing more to do to a fulfilled commitment.
    expect(await page.locator('form.withdraw, form.extend').count()).toBe(0);
  });

  it('withdraws with a reason, showing the API’s problem at the field it names', async () => {
    const { page } = await web.newPage('fr-FR');
    await signIn(page, 'secretariat');
    await open(page, toWithdraw.id, toWithdraw.title);
    await page.locator('form.withdraw button[type=submit]').click();
    await page.locator('form.withdraw [data-field-error=reason]').waitFor();
    expect(await page.locator('form.withdraw [data-field-error=reason]').innerText()).toBe(
      'Ce champ est obligatoire.',
    );

    // An answer the form cannot foresee, once: the API's message goes to the field, marked English.
    await page.route(`**/api/commitments/${toWithdraw.id}/withdrawal`, (route) =>
      route.fulfill({
        status: 422,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'https://tracker.example/problems/validation-failed',
          title: 'Unprocessable Content',
          status: 422,
          errors: [{ path: 'reason', message: 'name the decision that withdrew it' }],
        }),
      }),
    );
    await page.locator('#withdraw-reason').fill('Merged into another commitment');
    await page.locator('form.withdraw button[type=submit]').click();
    const apiError = page.locator('form.withdraw [data-field-error=reason]', {
      hasText: 'name the decision that withdrew it',
    });
    await apiError.waitFor();
    expect(await apiError.getAttribute('lang')).toBe('en');
    await page.unroute(`**/api/commitments/${toWithdraw.id}/withdrawal`);

    await page.locator('form.withdraw button[type=submit]').click();
    await page.getByText('L’engagement a été retiré.').waitFor();
    await page.locator('[data-commitment-status="withdrawn"]').waitFor();
  });

  it('lets the secretariat record a lapse once the due date passed; a focal point of another institution sees no action', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    await open(page, overdue.id, overdue.title);
    await page.locator('form.lapse button[type=submit]').click();
    await page.getByText('The commitment was marked lapsed.').waitFor();
    await page.locator('[data-commitment-status="lapsed"]').waitFor();
    // A lapsed commitment may still be extended or fulfilled.
    expect(await page.locator('form.extend').count()).toBe(1);

    const other = await web.newPage('en-GB');
    await signIn(other.page, 'focal-point', 'ministry-of-health');
    await open(other.page, overdue.id, overdue.title);
    expect(await other.page.locator('.actions-panel, form.change').count()).toBe(0);
  });

  it('shows an auditor the audit history (who, when, why), and the others none', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'auditor');
    await open(page, toWithdraw.id, toWithdraw.title);
    const withdrawn = page.locator('[data-audit-type="commitment.withdrawn"]');
    await withdrawn.waitFor();
    expect(await withdrawn.innerText()).toContain('dev-secretariat');
    expect(await withdrawn.innerText()).toContain('Merged into another commitment');
    expect(await page.locator('[data-audit-type="commitment.created"]').count()).toBe(1);
    expect(await page.locator('form.change').count()).toBe(0);

    const secretariat = await web.newPage('en-GB');
    await signIn(secretariat.page, 'secretariat');
    await open(secretariat.page, toWithdraw.id, toWithdraw.title);
    expect(await secretariat.page.locator('#audit-title').count()).toBe(0);
  });

  it.each([
    ['en-GB', 'secretariat'],
    ['fr-FR', 'secretariat'],
    ['fr-FR', 'auditor'],
  ])('finds no serious accessibility violation on a commitment page (%s, %s)', async (locale, role) => {
    const { page } = await web.newPage(locale);
    await signIn(page, role);
    await open(page, overdue.id, overdue.title);
    if (role === 'auditor') await page.locator('[data-audit-type]').first().waitFor();
    else {
      await page.locator('form.fulfil').waitFor();
      await page.locator('form.fulfil button[type=submit]').click();
      await page.locator('form.fulfil [data-field-error]').first().waitFor();
    }
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
