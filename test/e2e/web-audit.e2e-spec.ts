import { readFileSync } from 'node:fs';
import mammoth from 'mammoth';
import request from 'supertest';
import { waitFor } from '@tracker/testing';
import {
  seedRecommendation,
  seriousAxeViolations,
  signIn,
  startWebStack,
  type SeededRecommendation,
  type WebStack,
} from '../support/web';

/**
 * The auditor's page (each service's hash chain verified; an item's tracker row as of a date, refolded
 * from the history) and the implementation report's Word download on the dashboard (issues #14, #17).
 */
describe('web app: audit page and report download (chromium)', () => {
  let web: WebStack;
  let assessed: SeededRecommendation;
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    web = await startWebStack();
    assessed = await seedRecommendation(
      web.stack,
      'web-audit-1',
      {
        en: 'Publish the findings of the inquiry heron1',
        fr: 'Publier les conclusions de l’enquête heron1',
      },
      { clusterKey: 'inquiry-findings' },
    );
    const auth = `Bearer ${web.stack.token('secretariat')}`;
    await request(web.stack.gatewayUrl)
      .post('/api/assessments')
      .set('Authorization', auth)
      .send({
        target: { kind: 'recommendation', id: assessed.id },
        status: 'in-progress',
        assessedOn: today,
        evidence: [],
        note: 'Audit page test (fictitious).',
      })
      .expect(201);
    await waitFor(
      async () => {
        const res = await request(web.stack.gatewayUrl)
          .get(`/api/tracker/items/${assessed.id}`)
          .set('Authorization', auth);
        return (res.body as { assessmentStatus?: string }).assessmentStatus === 'in-progress'
          ? true
          : undefined;
      },
      { what: 'the assessment in the tracker' },
    );
  });
  afterAll(async () => {
    await web?.close();
  });

  it('an auditor verifies every chain and reads an item as of yesterday and as of today', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'auditor');
    await page.locator('nav a[href="/audit"]').click();
    await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();

    for (const service of ['recommendations', 'commitments', 'follow-up']) {
      const row = page.locator(`li[data-service="${service}"]`);
      await row.getByRole('button', { name: 'Verify' }).click();
      await row.locator('.verify-result', { hasText: /^Intact: \d+ streams, \d+ events\.$/ }).waitFor();
    }
    // The figures are the API's own.
    const verified = (
      await request(web.stack.gatewayUrl)
        .get('/api/audit/follow-up/verify')
        .set('Authorization', `Bearer ${web.stack.token('auditor')}`)
        .expect(200)
    ).body as { streams: number; events: number };
    expect(verified.events).toBeGreaterThan(0);
    expect(await page.locator('li[data-service="follow-up"] .verify-result').textContent()).toBe(
      `Intact: ${verified.streams} streams, ${verified.events} events.`,
    );

    // Checked before asking.
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('[data-field-error="item"]').waitFor();
    await page.locator('[data-field-error="asOf"]').waitFor();

    await page.locator('#audit-item').fill(assessed.id);
    await page.locator('#audit-as-of').fill(yesterday);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(`**/audit?item=${assessed.id}&asOf=${yesterday}`);
    await page.locator('#as-of-result').waitFor();
    expect(await page.locator('#as-of-result').textContent()).toContain('The tracker did not know this item');

    await page.locator('#audit-as-of').fill(today);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#as-of-result [data-status="in-progress"]').waitFor();
    expect(await page.locator('#as-of-result li[data-audit-type="assessment.recorded"]').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A deep link answers the same question.
    await page.goto(`/audit?item=${assessed.id}&asOf=${today}`);
    await page.locator('#as-of-result [data-status="in-progress"]').waitFor();
  });

  it('the audit link is not offered to the secretariat, and the API refuses it the page', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    expect(await page.locator('nav a[href="/audit"]').count()).toBe(0);
    await page.goto('/audit');
    await page.locator('li[data-service="follow-up"]').getByRole('button', { name: 'Verify' }).click();
    await page.locator('li[data-service="follow-up"] .problem').waitFor();
  });

  it('the dashboard downloads the implementation report as Word, in French for a French reader', async () => {
    const { page } = await web.newPage('fr-FR');
    await signIn(page, 'secretariat');
    await page.locator('nav a[href="/dashboard"]').click();
    await page.locator('#report-download').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#report-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`implementation-report-${today}-fr.docx`);
    const file = await download.path();
    const { value: text } = await mammoth.extractRawText({ buffer: readFileSync(file) });
    expect(text).toContain('Publier les conclusions de l’enquête heron1');
    expect(text).toContain('Mise en œuvre des recommandations et des engagements');
    expect(text).toContain(`Situation au ${today}`);
  });
});
