import type { Page } from 'playwright-core';
import { LABELS } from '@tracker/contracts';
import { en } from '../../apps/web/src/i18n/en';
import { fr } from '../../apps/web/src/i18n/fr';
import {
  seedCommitment,
  seedRecommendation,
  startWebStack,
  type SeededRecommendation,
  type WebStack,
} from '../support/web';

/**
 * What only the English UI may say: each message of the en catalogue and each English label of the
 * API's vocabularies, where French says it differently ("Source" is both). A message with `{params}`
 * becomes a pattern, so "All items: 3" is caught as well as "All items".
 */
const englishOnly: RegExp[] = [
  ...Object.entries(en)
    .filter(([key, text]) => fr[key as keyof typeof fr] !== text)
    .map(([, text]) => text),
  ...Object.values(LABELS).flatMap((table) =>
    Object.values(table as Record<string, { en: string; fr: string }>)
      .filter((l) => l.en !== l.fr)
      .map((l) => l.en),
  ),
].map((text) => {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{\w+\\\}/g, '.+');
  return new RegExp(`^${escaped}$`);
});

/**
 * Every text the page shows a reader or a screen reader: text nodes (options included) and the
 * accessible names and hints in attributes. Content marked `lang="en"` is English on purpose (the
 * language switch names English in English; a recommendation with no French text).
 */
// Runs in the page; a string because this project's types are Node's, not the browser's.
const IN_PAGE_TEXTS = `(() => {
  const out = [];
  // Marked English inside the page (not the page itself, whose lang is the UI's language).
  const english = (el) => {
    const marked = el === null ? null : el.closest('[lang]');
    return marked !== null && marked !== document.documentElement && marked.getAttribute('lang') === 'en';
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = (n.nodeValue || '').trim();
    if (text && !english(n.parentElement)) out.push(text);
  }
  for (const el of document.body.querySelectorAll('[aria-label],[placeholder],[title],[alt]'))
    for (const a of ['aria-label', 'placeholder', 'title', 'alt']) {
      const v = (el.getAttribute(a) || '').trim();
      if (v && !english(el)) out.push(v);
    }
  out.push(document.title);
  return out;
})()`;
const textsOf = (page: Page): Promise<string[]> => page.evaluate<string[]>(IN_PAGE_TEXTS);

const englishIn = async (page: Page): Promise<string[]> =>
  (await textsOf(page)).filter((text) => englishOnly.some((re) => re.test(text)));

describe('web app in French: no English label (chromium)', () => {
  let web: WebStack;
  let item: SeededRecommendation;
  let commitment: { id: string; title: string };

  beforeAll(async () => {
    web = await startWebStack();
    item = await seedRecommendation(web.stack, 'web-fr-1', {
      en: 'Criminalise female genital mutilation ibisfrancais',
      fr: 'Ériger en infraction les mutilations génitales féminines ibisfrancais',
    });
    commitment = await seedCommitment(web.stack, 'web-fr-c1', 'Train judges on the new code', 'judiciary');
  });
  afterAll(async () => {
    await web?.close();
  });

  it('has a French message for every English one', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('shows the sign-in, tracker, item, dashboard, alerts, import and audit pages (form errors included) in French only', async () => {
    const { page } = await web.newPage('en-GB');
    await page.goto('/');
    // The check sees English where there is English: the browser asks for it, so the app starts in it.
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await englishIn(page)).toEqual(expect.arrayContaining(['Sign in', 'Role', 'Secretariat']));
    // Chosen by the switch (the browser says English), then remembered across a reload.
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await englishIn(page)).toEqual([]);

    await page.locator('#role').selectOption('secretariat');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Suivi' }).waitFor();
    await page.locator('ul.counts strong[data-count=none]').waitFor();
    await page.locator('#filter-q').fill('ibisfrancais');
    await page.getByRole('button', { name: 'Appliquer' }).click();
    const row = page.locator(`section[data-query="q=ibisfrancais"] tr[data-item-id="${item.id}"]`);
    await row.getByText('Pas encore évalué').waitFor();
    expect(await englishIn(page)).toEqual([]);

    const apiLanguages: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/')) apiLanguages.push(r.headers()['accept-language'] ?? '');
    });
    await row.getByRole('link', { name: item.fr }).click();
    await page.getByRole('heading', { level: 1, name: item.fr }).waitFor();
    await page.getByText('Aucune évaluation n’a encore été enregistrée.').waitFor();
    await page.getByRole('button', { name: 'Enregistrer l’évaluation' }).click();
    await page.locator('[data-field-error=status]', { hasText: 'Ce champ est obligatoire.' }).waitFor();
    expect(await englishIn(page)).toEqual([]);

    await page.getByRole('navigation').getByRole('link', { name: 'Tableau de bord' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
    await page.locator('table.matrix tbody tr').first().waitFor();
    expect(await englishIn(page)).toEqual([]);

    // A commitment: the due-date form too, its own check failed.
    await page.goto(`/items/${commitment.id}`);
    await page.getByRole('button', { name: 'Reporter l’échéance' }).click();
    await page.locator('[data-field-error=reason]', { hasText: 'Ce champ est obligatoire.' }).waitFor();
    expect(await englishIn(page)).toEqual([]);
    // The other changes of a commitment, their own checks failed.
    await page.locator('form.fulfil button[type=submit]').click();
    await page.locator('form.fulfil [data-field-error]').first().waitFor();
    await page.locator('form.withdraw button[type=submit]').click();
    await page.locator('form.withdraw [data-field-error]').first().waitFor();
    expect(await englishIn(page)).toEqual([]);

    // The alerts page: an empty feed, the webhooks with the address refused before sending.
    await page.getByRole('navigation').getByRole('link', { name: 'Alertes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Alertes' }).waitFor();
    await page.getByText('Aucune alerte ne correspond.').waitFor();
    await page.locator('form.webhook button[type=submit]').click();
    await page.locator('[data-field-error=url]').waitFor();
    expect(await englishIn(page)).toEqual([]);

    // The import page, its own check failed (no file chosen).
    await page.getByRole('navigation').getByRole('link', { name: 'Importer' }).click();
    await page.getByRole('heading', { level: 1, name: 'Importer des recommandations' }).waitFor();
    await page.locator('#import-dry-run').click();
    await page.locator('[data-field-error=file]').waitFor();
    expect(await englishIn(page)).toEqual([]);

    // The audit page, as an auditor: a chain verified, the as-of form's own check failed, then answered.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.locator('#role').selectOption('auditor');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
    await page
      .locator('li[data-service="recommendations"]')
      .getByRole('button', { name: 'Vérifier' })
      .click();
    await page.locator('li[data-service="recommendations"] .verify-result', { hasText: 'Intacte' }).waitFor();
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.locator('[data-field-error=item]').waitFor();
    expect(await englishIn(page)).toEqual([]);
    await page.locator('#audit-item').fill(item.id);
    await page.locator('#audit-as-of').fill(new Date().toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.locator('#as-of-result [data-status="none"]').waitFor();
    expect(await englishIn(page)).toEqual([]);
    expect(apiLanguages.length).toBeGreaterThan(0);
    expect(new Set(apiLanguages)).toEqual(new Set(['fr']));
  });
});
