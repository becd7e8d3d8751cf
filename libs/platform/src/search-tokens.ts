/**
 * Text search without `$text` (FerretDB 1.24 has none): each catalogue entry and tracker row stores
 * its normalised words as equality keys; a query matches when the entry holds every query word.
 * Normalising folds case and diacritics and unifies apostrophes, so `Sécurité`, `securite` and
 * `SÉCURITÉ` are one token, as are `women's` and `women’s`. Shared by the recommendations catalogue
 * and follow-up's tracker, so one query finds the same items in both.
 */
export const foldText = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[’‘`´]/g, "'")
    .toLowerCase();

const STOP = new Set([
  'the',
  'of',
  'and',
  'to',
  'in',
  'a',
  'an',
  'on',
  'for',
  'de',
  'la',
  'le',
  'les',
  'des',
  'et',
  'du',
  'en',
]);

export const tokenize = (s: string): string[] =>
  foldText(s)
    .replace(/'s\b/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);

/** Distinct tokens of all given texts, stop words dropped (they would match nearly every entry). */
export const searchTokens = (...texts: readonly (string | null | undefined)[]): string[] => {
  const out = new Set<string>();
  for (const text of texts) if (text) for (const t of tokenize(text)) if (!STOP.has(t)) out.add(t);
  return [...out].sort();
};

/** The words a query must match: its tokens minus stop words (a query of stop words only matches all). */
export const queryTokens = (q: string): string[] => [...new Set(tokenize(q).filter((t) => !STOP.has(t)))];

/** Case- and accent-insensitive key of a recommending entity's name. */
export const entityKey = (name: string): string => tokenize(name).join(' ');
