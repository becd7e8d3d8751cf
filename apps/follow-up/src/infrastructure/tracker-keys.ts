import { createHash } from 'node:crypto';
import { equalityKey } from '@tracker/platform';

/**
 * How the tracker's lists are read without a scan or a server-side sort (docs/adr/0008): every list a
 * row is in (all items, a kind, a status, a theme...) is a string in the row's `keys`, and so is each
 * **bucket** of that list: the list cut by the leading hex digits of a hash of the item id
 * (`theme:torture#3`, `theme:torture#3a`, `theme:torture#3af`). A page reads one bucket at a time by
 * equality (FerretDB pushes it down, MongoDB a multikey IXSCAN), orders it in memory by (hash, id) and
 * goes on with the next bucket; the list's size (the summaries) says how many digits make a bucket of
 * about a page. The hash spreads every list evenly whatever the ids (UUID v5 from import keys, v7 from
 * the clock), and the order it gives is fixed for an item's life, so cursors stay valid.
 */
export const BUCKET_LEVELS = 3;
/** A bucket at level k has about size / 16^k rows; this many is one read (~25 ms on FerretDB). */
export const BUCKET_TARGET = 128;

/** The order of every tracker list: a hex hash of the item id (ties, never seen, broken by the id). */
export const orderOf = (itemId: string): string => createHash('sha1').update(itemId).digest('hex');

export const bucketKey = (list: string, prefix: string): string =>
  prefix === '' ? list : `${list}#${prefix}`;

/** The level whose buckets hold about BUCKET_TARGET rows of a list of `size` rows. */
export const levelFor = (size: number): number => {
  let level = 0;
  while (level < BUCKET_LEVELS && size / 16 ** level > BUCKET_TARGET) level += 1;
  return level;
};

/** The list and every bucket of it that an item of hash `order` is in. */
export const bucketKeysOf = (list: string, order: string): string[] =>
  Array.from({ length: BUCKET_LEVELS + 1 }, (_, level) => bucketKey(list, order.slice(0, level)));

/** Lists every known row is in, by who may read them: staff see every known item, viewers `public`. */
export const ALL = 'all';
export const PUBLIC = 'public';
export const kindList = (kind: string): string => equalityKey('kind', kind);
export const statusList = (status: string): string => equalityKey('status', status);
export const assessedList = (assessed: boolean): string => equalityKey('assessed', assessed);
export const themeList = (theme: string): string => equalityKey('theme', theme);
export const clusterList = (cluster: string): string => equalityKey('cluster', cluster);
export const mechanismList = (mechanism: string): string => equalityKey('mechanism', mechanism);
/** A recommending state or body by its folded name (entityKey): "Côte d'Ivoire" = "cote d'ivoire". */
export const entityList = (entity: string): string => equalityKey('entity', entity);
export const institutionList = (institution: string): string => equalityKey('institution', institution);
export const staleList = (stale: boolean): string => equalityKey('stale', stale);
/**
 * A word of the item's text (searchTokens). Word lists are not counted (tens of thousands of words)
 * and carry only their level-1 buckets (16 per word, read at once, as cluster lists are): a row holds
 * one key per distinct word instead of four.
 */
export const wordList = (word: string): string => equalityKey('word', word);
export const WORD_LEVEL = 1;
