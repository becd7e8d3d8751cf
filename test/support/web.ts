import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import type { BaseConfig } from '@tracker/platform';
import { waitFor } from '@tracker/testing';
import { buildWeb, type WebBuild } from '../../scripts/build-web';
import { startStack, type Stack } from './stack';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Debian's chromium (deploy/local/chromium.sh installs it when missing; `npm test` runs it up front):
 * playwright-core drives the system browser, nothing is downloaded.
 */
const chromiumPath = (): string => {
  const out = execFileSync('bash', [path.join(ROOT, 'deploy/local/chromium.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = out.trim().split('\n').pop();
  if (!last) throw new Error('deploy/local/chromium.sh printed no path');
  return last;
};

export interface WebStack {
  readonly stack: Stack;
  readonly browser: Browser;
  readonly web: WebBuild;
  readonly url: string;
  /** A fresh browser profile (its own storage) in `locale`, e.g. 'en-GB' or 'fr-FR'. */
  newPage(locale: string): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** The real stack, the web app built into a folder of its own and served by the stack's gateway, a browser. */
export const startWebStack = async (
  options: { services?: Partial<BaseConfig>; gateway?: Record<string, string> } = {},
): Promise<WebStack> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracker-web-'));
  const web = await buildWeb(ROOT, dir);
  const stack = await startStack(options.services, { gateway: { ...options.gateway, WEB_ROOT: dir } });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // /dev/shm is small in containers; chromium falls back to /tmp.
    args: ['--disable-dev-shm-usage'],
  });
  const contexts: BrowserContext[] = [];
  return {
    stack,
    browser,
    web,
    url: stack.gatewayUrl,
    newPage: async (locale) => {
      const context = await browser.newContext({ locale, baseURL: stack.gatewayUrl });
      contexts.push(context);
      return { context, page: await context.newPage() };
    },
    close: async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export interface SeededRecommendation {
  readonly id: string;
  readonly en: string;
  readonly fr: string;
}

/** A published recommendation (English and French text) that the tracker lists once its row is built. */
export const seedRecommendation = async (
  stack: Stack,
  key: string,
  text: { en: string; fr: string },
  source: {
    mechanism?: string;
    recommendingEntities?: string[];
    clusterKey?: string;
    themes?: string[];
  } = {},
): Promise<SeededRecommendation> => {
  const auth = `Bearer ${stack.token('secretariat')}`;
  const created = await request(stack.gatewayUrl)
    .post('/api/recommendations')
    .set('Authorization', auth)
    .send({
      externalKey: key,
      mechanism: source.mechanism ?? 'upr',
      recommendingEntities: source.recommendingEntities ?? ['Ecuador'],
      ...(source.clusterKey ? { clusterKey: source.clusterKey } : {}),
      document: { citation: `A/HRC/54/7 para ${key}`, date: '2023-07-10' },
      text,
      themes: source.themes ?? ['gender-based-violence'],
      published: true,
    })
    .expect(201);
  const id = (created.body as { recommendationId: string }).recommendationId;
  await waitFor(
    async () => {
      const res = await request(stack.gatewayUrl).get(`/api/tracker/items/${id}`).set('Authorization', auth);
      return res.status === 200 ? true : undefined;
    },
    { what: `the tracker row of ${key}` },
  );
  return { id, ...text };
};

/**
 * Waits until the dashboard counts `items` tracked items: its counts (and the theme list the tracker
 * page builds from them) are kept by the projection a moment after the rows themselves.
 */
export const waitForCounts = async (stack: Stack, items: number): Promise<void> => {
  const auth = `Bearer ${stack.token('secretariat')}`;
  await waitFor(
    async () => {
      const res = await request(stack.gatewayUrl).get('/api/dashboard').set('Authorization', auth);
      const total = (res.body as { totals?: { items?: number } }).totals?.items ?? 0;
      return total >= items ? true : undefined;
    },
    { what: `the dashboard to count ${items} items` },
  );
};

/** An open commitment of one institution, once the tracker lists it. */
export const seedCommitment = async (
  stack: Stack,
  key: string,
  title: string,
  institution: string,
  dueDate = '2030-05-02',
): Promise<{ id: string; title: string }> => {
  const auth = `Bearer ${stack.token('secretariat')}`;
  const created = await request(stack.gatewayUrl)
    .post('/api/commitments')
    .set('Authorization', auth)
    .send({
      externalKey: key,
      title: { en: title },
      text: `${title}, as promised at the Human Rights Council.`,
      madeAt: { forum: 'Human Rights Council', date: '2023-05-02', citation: `A/HRC/53/${key}` },
      institutions: [institution],
      dueDate,
      dueDateKind: 'secretariat-target',
      dueDateNote: 'secretariat target',
    })
    .expect(201);
  const id = (created.body as { commitmentId: string }).commitmentId;
  await waitFor(
    async () => {
      const res = await request(stack.gatewayUrl).get(`/api/tracker/items/${id}`).set('Authorization', auth);
      return res.status === 200 ? true : undefined;
    },
    { what: `the tracker row of ${key}` },
  );
  return { id, title };
};

/** Signs in through the development role picker, as a person would. */
export const signIn = async (page: Page, role: string, institution?: string): Promise<void> => {
  await page.goto('/');
  await page.locator('#role').selectOption(role);
  if (institution) await page.locator('#institution').fill(institution);
  await page.locator('form button[type=submit]').click();
  await page.locator('nav a[href="/tracker"]').waitFor();
};

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * The serious and critical WCAG 2.x A/AA violations axe-core finds on the page as it is now. axe's
 * source is evaluated through the DevTools protocol, which the page's CSP does not govern (the app
 * itself allows no inline script).
 */
export const seriousAxeViolations = async (page: Page): Promise<AxeViolation[]> => {
  const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate<AxeViolation[]>(`(async () => {
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)) }));
  })()`);
};
