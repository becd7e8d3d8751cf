import type { Page } from 'playwright-core';
import request from 'supertest';
import { waitFor } from '@tracker/testing';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { seedCommitment, seriousAxeViolations, signIn, startWebStack, type WebStack } from '../support/web';

/**
 * The alerts page: the feed with its filters in the URL and acknowledgement; webhook subscriptions
 * (added with a checked address, the secret shown once), their deliveries and removal; in Chromium
 * against the real stack (a lapse recorded by hand raises the alert: the stack's timers are off).
 */
describe('web app: alerts and webhooks (chromium)', () => {
  let web: WebStack;
  let receiver: WebhookReceiver;
  let firstAlert: string;

  /** A past-due commitment, lapsed through the API: its alert once the feed has it. */
  const lapsedAlert = async (key: string): Promise<string> => {
    const { id } = await seedCommitment(
      web.stack,
      key,
      `Adopt decree ${key}`,
      'ministry-of-justice',
      '2024-02-24',
    );
    const auth = `Bearer ${web.stack.token('secretariat')}`;
    await request(web.url)
      .post(`/api/commitments/${id}/lapse`)
      .set('Authorization', auth)
      .set('If-Match', '"1"')
      .expect(200);
    return waitFor(
      async () => {
        const res = await request(web.url)
          .get('/api/alerts?type=commitment.lapsed')
          .set('Authorization', auth);
        return (res.body as { items: { itemId: string; alertId: string }[] }).items.find(
          (a) => a.itemId === id,
        )?.alertId;
      },
      { what: `the lapse alert of ${key}` },
    );
  };

  beforeAll(async () => {
    web = await startWebStack();
    receiver = await startWebhookReceiver();
    firstAlert = await lapsedAlert('web-alert-1');
  });
  afterAll(async () => {
    await web?.close();
    await receiver?.close();
  });

  const row = (page: Page, alertId: string) => page.locator(`tr[data-alert-id="${alertId}"]`);

  it('lists the alert and acknowledges it; the filters are in the URL', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    await page.locator('nav a[href="/alerts"]').click();
    await row(page, firstAlert).waitFor();
    expect(await row(page, firstAlert).innerText()).toContain('Commitment lapsed');
    await row(page, firstAlert).getByRole('button', { name: 'Acknowledge' }).click();
    await row(page, firstAlert).locator('[data-acknowledged]', { hasText: 'dev-secretariat' }).waitFor();

    await page.locator('#alert-ack').selectOption('false');
    await page.locator('form.filters button[type=submit]').click();
    await page.waitForURL((u) => u.searchParams.get('acknowledged') === 'false');
    await page.getByText('No alert matches.').waitFor();
    await page.goto('/alerts?acknowledged=true&type=commitment.lapsed');
    await row(page, firstAlert).waitFor();
  });

  it('adds a webhook (address checked first, secret shown once), shows its deliveries, removes it', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'secretariat');
    await page.goto('/alerts');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/subscriptions')) posts.push(r.url());
    });
    await page.locator('#webhook-url').fill('not an address');
    await page.locator('form.webhook button[type=submit]').click();
    await page.locator('[data-field-error=url]').waitFor();
    expect(posts).toHaveLength(0);

    await page.locator('#webhook-url').fill(`${receiver.url}/web-hook`);
    await page.locator('#webhook-type-commitment\\.lapsed').check();
    await page.locator('form.webhook button[type=submit]').click();
    expect(await page.locator('[data-secret]').innerText()).toMatch(/^whsec_/);
    const subscription = page.locator('[data-subscription-id]');
    await subscription.waitFor();
    expect(await subscription.innerText()).toContain('Commitment lapsed');

    await lapsedAlert('web-alert-2');
    await waitFor(async () => (receiver.received.some((r) => r.path === '/web-hook') ? true : undefined), {
      what: 'the webhook delivery',
    });
    await subscription.getByRole('button', { name: 'Deliveries' }).click();
    await subscription.locator('[data-delivery-status=delivered]').waitFor();

    await subscription.getByRole('button', { name: 'Remove' }).click();
    await page.getByText('No webhook yet.').waitFor();
  });

  it('shows a viewer the feed without acknowledging or webhooks', async () => {
    const { page } = await web.newPage('en-GB');
    await signIn(page, 'viewer');
    await page.goto('/alerts');
    await row(page, firstAlert).waitFor();
    expect(await page.locator('#webhooks-title').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
  });

  it.each(['en-GB', 'fr-FR'])(
    'finds no serious accessibility violation on the alerts page (%s)',
    async (locale) => {
      const { page } = await web.newPage(locale);
      await signIn(page, 'secretariat');
      await page.goto('/alerts');
      await row(page, firstAlert).waitFor();
      await page.locator('form.webhook button[type=submit]').click();
      await page.locator('[data-field-error=url]').waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
    },
  );
});
