import type { Page, Request } from 'playwright-core';
import request from 'supertest';
import { oidcSettings, testOidcProvider, type TestOidcProvider } from '../support/oidc';
import { seriousAxeViolations, startWebStack, type WebStack } from '../support/web';

/**
 * Sign-in with the organisation's OpenID Connect provider (issue #14): authorization code + PKCE in
 * the browser (oauth4webapi) against npm's oidc-provider; the gateway and the services verify the
 * provider's JWT access tokens with its JWKS. The development role picker is not offered.
 */
describe('web app: sign-in with OpenID Connect (chromium, oidc-provider)', () => {
  let provider: TestOidcProvider;
  let web: WebStack;

  beforeAll(async () => {
    provider = await testOidcProvider({
      'secretariat@example.org': { role: 'secretariat' },
      'focal-point@example.org': { role: 'focal-point', institution: 'ministry-of-justice' },
    });
    web = await startWebStack(oidcSettings(provider.issuer));
    await provider.start(`${web.url}/signed-in`);
  });
  afterAll(async () => {
    await web?.close();
    await provider?.close();
  });

  /** What a person does: the app's button, then the provider's login form (any password). */
  const signInAtProvider = async (page: Page, login: string): Promise<void> => {
    await page.locator('#sign-in-provider').click();
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name=login]').fill(login);
    await page.locator('input[name=password]').fill('any password: the test provider checks none');
    await page.locator('button[type=submit]').click();
  };
  const tokenIn = (page: Page): Promise<string | null> =>
    page.evaluate(() => sessionStorage.getItem('tracker.session'));

  it('signs a secretariat user in with code + PKCE, back at the deep link asked for; the API takes the token', async () => {
    const { page } = await web.newPage('en-GB');
    const authorizations: Request[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${provider.issuer}/auth`)) authorizations.push(r);
    });
    await page.goto('/tracker?status=none');
    await page.locator('#sign-in-provider').waitFor();
    // Only while the development key is in use is there a role picker.
    expect(await page.locator('#role').count()).toBe(0);
    await signInAtProvider(page, 'secretariat@example.org');
    await page.locator('nav a[href="/tracker"]').waitFor();
    await page.locator('ul.counts').waitFor();
    const url = new URL(page.url());
    expect(`${url.pathname}${url.search}`).toBe('/tracker?status=none');
    expect(await page.locator('header.top').innerText()).toContain('Signed in as Secretariat');

    const sent = new URL(authorizations[0]!.url()).searchParams;
    expect(sent.get('code_challenge_method')).toBe('S256');
    expect(sent.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sent.get('state')).toBeTruthy();

    const token = await tokenIn(page);
    expect(token).toBeTruthy();
    await request(web.url).get('/api/tracker').set('Authorization', `Bearer ${token}`).expect(200);
    // A development token is no credential once the provider's keys are in use, nor is the picker there.
    await request(web.url)
      .get('/api/tracker')
      .set('Authorization', `Bearer ${web.stack.token('admin')}`)
      .expect(401);
    await request(web.url).get('/auth/dev').expect(404);
  });

  it("carries a focal point's institution from the provider's token", async () => {
    const { page } = await web.newPage('en-GB');
    await page.goto('/');
    await signInAtProvider(page, 'focal-point@example.org');
    await page.locator('nav a[href="/tracker"]').waitFor();
    expect(await page.locator('header.top').innerText()).toContain('Focal point (ministry-of-justice)');
  });

  it('does not sign in an account the provider gives no role, nor on a callback replayed', async () => {
    const { page } = await web.newPage('fr-FR');
    let callback = '';
    page.on('request', (r) => {
      if (r.url().startsWith(`${web.url}/signed-in?`)) callback = r.url();
    });
    await page.goto('/');
    await signInAtProvider(page, 'stranger@example.org');
    await page.locator('[role=alert]').waitFor();
    expect(await page.locator('[role=alert]').innerText()).toContain('n’a pas encore de rôle');
    expect(await tokenIn(page)).toBeNull();

    // The code in that URL was redeemed, and this tab has no sign-in under way: nothing to finish.
    expect(callback).not.toBe('');
    await page.goto(callback);
    await page.locator('[role=alert]').waitFor();
    expect(await page.locator('[role=alert]').innerText()).toContain('déjà servi');
    expect(await tokenIn(page)).toBeNull();
  });

  it.each(['en-GB', 'fr-FR'])(
    'finds no serious accessibility violation on the sign-in page (%s)',
    async (locale) => {
      const { page } = await web.newPage(locale);
      await page.goto('/');
      await page.locator('#sign-in-provider').waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
    },
  );
});
