import type { Db } from 'mongodb';
import type { CatalogueFilter } from '@tracker/contracts';
import type { Principal } from '@tracker/auth';
import { decodeKeysetCursor, encodeKeysetCursor, queryTokens } from '@tracker/platform';
import type { ReadModelDocument } from '@tracker/projections';
import {
  ALL_KEY,
  catalogueYears,
  citeKey,
  citePartitions,
  citePrefix,
  clusterKeyOf,
  cycleKey,
  entityFilterKey,
  groupKey,
  keysOf,
  mechanismKey,
  partitionKey,
  positionKey,
  publishedKey,
  readPosting,
  readRecent,
  themeKey,
  tokenKey,
  weakCode,
  yearOf,
  type PostingEntry,
} from '../../infrastructure/catalogue-postings';
import { CATALOGUE, type CatalogueDocument } from '../../infrastructure/recommendation-catalogue.projection';

export type CatalogueRow = ReadModelDocument<CatalogueDocument>;

/**
 * What a catalogue query asks, as index keys (catalogue-postings.ts): `strong` keys are read and their
 * posting lists intersected; `weak` ones (a few large parts of the catalogue) are tested on the
 * entries. With no strong key the query reads every row's entries, a year at a time for a date sort.
 */
export interface CataloguePlan {
  readonly strong: readonly string[];
  readonly weak: readonly string[];
}

/** The plan of a catalogue query. Viewers see published items only. */
export const cataloguePlan = (f: CatalogueFilter, principal: Principal): CataloguePlan => {
  const strong: string[] = [];
  const weak: string[] = [];
  if (f.mechanism) weak.push(mechanismKey(f.mechanism));
  if (f.position) weak.push(positionKey(f.position === 'none' ? null : f.position));
  if (f.cycle !== undefined) weak.push(cycleKey(f.cycle));
  if (principal.role === 'viewer') weak.push(publishedKey(true));
  else if (f.published !== undefined) weak.push(publishedKey(f.published));
  if (f.entity) strong.push(entityFilterKey(f.entity));
  if (f.theme) strong.push(themeKey(f.theme));
  if (f.group) strong.push(groupKey(f.group));
  if (f.cluster) strong.push(clusterKeyOf(f.cluster));
  // A query of stop words only has no token: it matches every row, as before.
  if (f.q) strong.push(...queryTokens(f.q).map(tokenKey));
  return { strong, weak };
};

/** The keys whose postings a plan reads: its strong keys, or every row's (weak keys are tested on entries). */
export const plannedReads = (plan: CataloguePlan): readonly string[] =>
  plan.strong.length > 0 ? plan.strong : [ALL_KEY];

/**
 * The entries of every row of the given years the plan matches, per the index: the postings read,
 * intersected, each row with its newest entry, weak keys tested on it. Rows must still be checked
 * (`rowMatches`): an entry may be newer or older than the row a reader then fetches.
 */
export const candidates = async (
  db: Db,
  plan: CataloguePlan,
  years: readonly string[],
): Promise<PostingEntry[]> => {
  const lists = await Promise.all(
    plannedReads(plan).map(async (key) => {
      // A row is in one year of a key: the years' lists never overlap.
      const parts = await Promise.all(years.map((y) => readPosting(db, partitionKey(key, y))));
      return parts.length === 1 ? parts[0]! : new Map(parts.flatMap((p) => [...p]));
    }),
  );
  lists.sort((a, b) => a.size - b.size);
  const weak = plan.weak.map(weakCode);
  const [smallest, ...others] = lists;
  const out: PostingEntry[] = [];
  for (const [id, entry] of smallest ?? []) {
    let newest = entry;
    let inAll = true;
    for (const list of others) {
      const e = list.get(id);
      if (!e) {
        inAll = false;
        break;
      }
      if (e.version > newest.version) newest = e;
    }
    if (inAll && hasWeakKeys(newest, weak)) out.push(newest);
  }
  return out;
};

/** The entry carries every one of these weak keys (as `weakCode`s). */
const hasWeakKeys = (e: PostingEntry, weak: readonly string[]): boolean =>
  weak.every((k) => e.weak.includes(k));

/** The row as fetched still has every key of the plan. */
export const rowMatches = (row: CatalogueRow | null, plan: CataloguePlan): row is CatalogueRow => {
  if (row === null) return false;
  const keys = keysOf(row);
  return [...plan.strong, ...plan.weak].every((k) => keys.includes(k));
};

/** Sort option → the entry's field. Every sort ends on the id, so the order is total and cursors are stable. */
const SORT_FIELDS = { date: 'date', citation: 'citation', updated: 'updatedAt' } as const;

export interface SortSpec {
  readonly field: (typeof SORT_FIELDS)[keyof typeof SORT_FIELDS];
  readonly direction: 1 | -1;
}

export const sortSpec = (sort: CatalogueFilter['sort']): SortSpec => {
  const desc = sort.startsWith('-');
  const key = (desc ? sort.slice(1) : sort) as keyof typeof SORT_FIELDS;
  return { field: SORT_FIELDS[key], direction: desc ? -1 : 1 };
};

export type SortKey = readonly [value: string, id: string];

const compareKeys = (a: SortKey, b: SortKey, spec: SortSpec): number => {
  const c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
  return c * spec.direction;
};

const sortKeyOf = (e: PostingEntry, spec: SortSpec): SortKey => [e[spec.field], e.id];

/** The entries in the requested order, those up to and including the cursor's (decodeCursor) dropped. */
export const ordered = (entries: PostingEntry[], spec: SortSpec, after: SortKey | null): PostingEntry[] => {
  const kept = after ? entries.filter((e) => compareKeys(sortKeyOf(e, spec), after, spec) > 0) : entries;
  return kept.sort((a, b) => compareKeys(sortKeyOf(a, spec), sortKeyOf(b, spec), spec));
};

/** Opaque cursor: the sort key of the last item of the page (value and id). */
export const encodeCursor = (e: PostingEntry, spec: SortSpec): string =>
  encodeKeysetCursor(...sortKeyOf(e, spec));

export const decodeCursor = (cursor: string): SortKey => decodeKeysetCursor(cursor);

/**
 * The rows of `entries`, in their order, that still match the plan, each with its entry: fetched by `_id` (an equality both servers serve from an index; FerretDB would evaluate an
 * `$in` over the whole collection), `window` in parallel at a time.
 */
export async function* matchingRows(
  db: Db,
  entries: readonly PostingEntry[],
  plan: CataloguePlan,
  window: number,
): AsyncGenerator<{ row: CatalogueRow; entry: PostingEntry }> {
  const collection = db.collection<CatalogueRow>(CATALOGUE);
  for (let from = 0; from < entries.length; from += window) {
    const slice = entries.slice(from, from + window);
    const fetched = await Promise.all(slice.map((e) => collection.findOne({ _id: e.id })));
    for (const [i, entry] of slice.entries()) {
      const row = fetched[i] ?? null;
      if (rowMatches(row, plan)) yield { row, entry };
    }
  }
}

/** Rows of a plan in a sort order after a cursor, fetched `window` at a time. */
type RowWalk = (
  db: Db,
  plan: CataloguePlan,
  spec: SortSpec,
  after: SortKey | null,
  window: number,
) => AsyncGenerator<{ row: CatalogueRow; entry: PostingEntry }>;

/**
 * Every row the plan matches, in the requested order after the cursor. A date sort walks the years in
 * its direction and reads a year's postings only when the page reaches it; without a strong key, a
 * citation sort walks the citation partitions (citationWalk) and a -updated one starts from the recent
 * updates (recentFirst); other sorts read every year of their keys.
 */
export const matches: RowWalk = async function* (db, plan, spec, after, window) {
  if (spec.field === 'citation' && plan.strong.length === 0) {
    yield* citationWalk(db, plan, spec, after, window);
    return;
  }
  if (spec.field === 'updatedAt' && spec.direction === -1 && plan.strong.length === 0) {
    yield* recentFirst(db, plan, spec, after, window);
    return;
  }
  const years = await catalogueYears(db);
  if (spec.field !== 'date') {
    yield* matchingRows(db, ordered(await candidates(db, plan, years), spec, after), plan, window);
    return;
  }
  const from = after ? yearOf(after[0]) : null;
  for (const year of spec.direction === 1 ? years : years.reverse()) {
    if (from !== null && (year < from ? -spec.direction : year > from ? spec.direction : 0) < 0) continue;
    yield* matchingRows(db, ordered(await candidates(db, plan, [year]), spec, after), plan, window);
  }
};

/**
 * The rows in citation order, read a few citation partitions at a time (catalogue-postings.ts): the
 * partitions in prefix order, from the cursor's on, one then twice as many each step, so a page reads
 * about one report's entries and an export does not read one partition per find.
 */
const citationWalk: RowWalk = async function* (db, plan, spec, after, window) {
  const partitions = await citePartitions(db);
  let prefixes = [...partitions.keys()];
  if (spec.direction === -1) prefixes.reverse();
  if (after) {
    const from = citePrefix(after[0]);
    prefixes = prefixes.filter((p) => (spec.direction === 1 ? p >= from : p <= from));
  }
  for (let i = 0, step = 1; i < prefixes.length; i += step, step *= 2) {
    const read = prefixes.slice(i, i + step);
    const entries = await Promise.all(
      read.map((p) => candidates(db, { strong: [citeKey(p)], weak: plan.weak }, partitions.get(p)!)),
    );
    // The plan itself, not the partition's key, is what a row must still match.
    yield* matchingRows(db, ordered(entries.flat(), spec, after), plan, window);
  }
};

/**
 * The rows by -updated: first those updated after the recent postings' floor, all of which they list
 * (catalogue-postings.ts RECENT_KEY), then, only if a page reaches the floor, every row's entry from
 * there on.
 */
const recentFirst: RowWalk = async function* (db, plan, spec, after, window) {
  const { list, floor } = await readRecent(db);
  const weak = plan.weak.map(weakCode);
  const above = [...list.values()].filter((e) => e.updatedAt > floor && hasWeakKeys(e, weak));
  yield* matchingRows(db, ordered(above, spec, after), plan, window);
  if (floor === '') return;
  // Past every row above the floor: on from the floor, or from the cursor if it is further on.
  const below: SortKey = [floor, '\uffff'];
  const from = after && compareKeys(after, below, spec) > 0 ? after : below;
  yield* matchingRows(
    db,
    ordered(await candidates(db, plan, await catalogueYears(db)), spec, from),
    plan,
    window,
  );
};
