import { createHash } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import { entityKey, equalityKey, searchTokens } from '@tracker/platform';
import {
  clean,
  encodeEntry,
  encodeRemoval,
  entriesOf,
  mergeInto,
  posting,
  type Posting,
  type PostingEntry,
  type PostingList,
} from './posting-codec';
import { insertManyIgnoringDuplicates, type ProjectionChange } from '@tracker/projections';

/**
 * The catalogue's index (docs/adr/0009-catalogue-search-at-scale.md): for each filter value and search
 * word K, posting documents `{_id, keys: [K], entries}` whose one string field packs, per recommendation,
 * what a page needs to order and cut without reading the rows (FerretDB decodes per JSON value, not per
 * byte: one 100 KB string costs about one small document). The projection appends one posting per key
 * a batch touched, split by document year, in one insertMany; a reader merges a key's postings,
 * keeps each recommendation's newest entry, and compacts a key whose postings have piled up.
 */
export const POSTINGS = 'recommendation_catalogue_postings';

export type { PostingEntry, PostingList } from './posting-codec';

/** The fields of a catalogue row the index derives from (a subset of CatalogueDocument). */
export interface IndexedRow {
  readonly recommendationId: string;
  readonly version: number;
  readonly updatedAt: string;
  readonly mechanism: string;
  readonly recommendingEntities: readonly string[];
  readonly document: { readonly citation: string; readonly date: string; readonly symbol?: string | null };
  readonly upr: { readonly cycle: number } | null;
  readonly text: { readonly en: string; readonly fr?: string | null };
  readonly themes: readonly string[];
  readonly affectedGroups: readonly string[];
  readonly position: { readonly value: string } | null;
  readonly clusterKey: string | null;
  readonly published: boolean;
}

/** The key every row has: what an unfiltered page walks. */
export const ALL_KEY = equalityKey('catalogue', 'all');
/** Rows in some cluster: what the cluster list walks. */
export const CLUSTERED_KEY = equalityKey('clustered', true);

/**
 * Keys with few rows each (a word, a state, a theme, a cluster): a query reads their postings. The
 * others ("weak": mechanism, position, cycle, published) split the catalogue in a few large parts, so
 * every entry carries them and a query with a strong key tests them in memory instead of reading a
 * posting as large as the catalogue.
 */
const WEAK: Readonly<Record<string, string>> = { mechanism: 'm', position: 'p', cycle: 'c', published: 'b' };
const nameOf = (key: string): string => key.slice(0, key.indexOf(':'));
export const isWeakKey = (key: string): boolean => nameOf(key) in WEAK;
/** A weak key as entries spell it (`p:noted` for `position:noted`): every byte of an entry is read. */
export const weakCode = (key: string): string => `${WEAK[nameOf(key)]}${key.slice(key.indexOf(':'))}`;

export const mechanismKey = (m: string): string => equalityKey('mechanism', m);
export const positionKey = (p: string | null): string => equalityKey('position', p ?? 'none');
export const cycleKey = (c: number): string => equalityKey('cycle', c);
export const publishedKey = (p: boolean): string => equalityKey('published', p);
export const entityFilterKey = (name: string): string => equalityKey('entity', entityKey(name));
export const themeKey = (t: string): string => equalityKey('theme', t);
export const groupKey = (g: string): string => equalityKey('group', g);
export const clusterKeyOf = (c: string): string => equalityKey('cluster', c);
export const tokenKey = (t: string): string => equalityKey('tok', t);

/** Every key a row is found under; stored on the row as `keys` (readers re-check a page against it). */
export const rowKeys = (row: IndexedRow): string[] => {
  const keys = new Set<string>([
    ALL_KEY,
    mechanismKey(row.mechanism),
    positionKey(row.position?.value ?? null),
    publishedKey(row.published),
    ...row.recommendingEntities.map(entityFilterKey),
    ...row.themes.map(themeKey),
    ...row.affectedGroups.map(groupKey),
    ...searchTokens(
      row.text.en,
      row.text.fr,
      row.document.citation,
      row.document.symbol,
      ...row.recommendingEntities,
    ).map(tokenKey),
  ]);
  if (row.upr) keys.add(cycleKey(row.upr.cycle));
  if (row.clusterKey) {
    keys.add(clusterKeyOf(row.clusterKey));
    keys.add(CLUSTERED_KEY);
  }
  return [...keys];
};

/** A row's keys: stored, or derived for a row written before they were (docs/adr/0009). */
export const keysOf = (row: IndexedRow & { readonly keys?: readonly string[] }): readonly string[] =>
  row.keys ?? rowKeys(row);

export const entryOf = (id: string, row: IndexedRow, keys: readonly string[]): PostingEntry => ({
  id,
  version: row.version,
  date: row.document.date,
  citation: row.document.citation,
  updatedAt: Date.parse(row.updatedAt).toString(36).padStart(9, '0'),
  weak: keys.filter(isWeakKey).map(weakCode),
});

/**
 * An entry of ALL_KEY carries no citation: the unfiltered citation sort walks the citation partitions
 * (citeLines), and the sorts that do read every row's entry (date, updated) read a third fewer bytes.
 */
const withoutCitation = (e: PostingEntry): PostingEntry => ({ ...e, citation: '' });
const isAllPartition = (key: string): boolean => key.startsWith(`${ALL_KEY}@`);

/** Keys with at most this many entries in a batch share postings (most keys: a word is in few rows). */
const SHARED_MAX_ENTRIES = 8;
/** Entries a shared posting holds, about (~15 KB: read whole by a reader of any of its keys). */
const SHARED_ENTRIES = 128;

/** One posting per key with many entries, or read on its own; the others grouped by a hash of the key. */
const postingsOf = (byKey: ReadonlyMap<string, readonly string[]>): Posting[] => {
  const own: Posting[] = [];
  const few: (readonly [string, readonly string[]])[] = [];
  let fewEntries = 0;
  for (const section of byKey) {
    // The years (the citation partitions, the recent updates) are read by every query of their kind:
    // their own posting, the same document for the same years.
    if (section[1].length > SHARED_MAX_ENTRIES || OWN_POSTING.has(section[0])) own.push(posting([section]));
    else {
      few.push(section);
      fewEntries += section[1].length;
    }
  }
  const groups = Math.ceil(fewEntries / SHARED_ENTRIES);
  const shared = new Map<number, (readonly [string, readonly string[]])[]>();
  for (const section of few) {
    const g = createHash('sha1').update(section[0]).digest().readUInt32BE(0) % groups;
    shared.set(g, [...(shared.get(g) ?? []), section]);
  }
  return [...own, ...[...shared.values()].map((sections) => posting(sections))];
};

/**
 * Where a key's entries of one document year live: postings are split by year so that a page sorted by
 * date reads the years it shows, newest (or oldest) first, not the key's whole history. A row's year
 * never changes (no event revises its document), so a row stays in one partition of each key.
 */
export const partitionKey = (key: string, year: string): string => `${key}@${year}`;
export const yearOf = (date: string): string => date.slice(0, 4);
/** The years that have rows, as entries whose id is the year. */
export const YEARS_KEY = equalityKey('catalogue', 'years');

/**
 * Every row's entry again, as under ALL_KEY, but kept short by compaction: a merge keeps the
 * RECENT_KEPT entries updated last and records as its `floor` the newest updatedAt it dropped. So every
 * row updated after the floor has its newest entry here, and an unfiltered page by -updated reads a
 * few thousand entries, not the catalogue's (ADR 0009, session 10 addendum).
 */
export const RECENT_KEY = equalityKey('catalogue', 'recent');
const RECENT_KEPT = 2_000;

/**
 * Citation partitions (docs/adr/0009, session 10 addendum): every row is also listed under the key of
 * its citation's first CITE_PREFIX characters, so an unfiltered citation sort reads a report's
 * recommendations at a time, in prefix order (a prefix order is the citation order), not every entry of
 * the catalogue. About one report per prefix here (`UPR <State> <year>...`): ~100 rows.
 */
const CITE_PREFIX = 16;
// Code points, not UTF-16 units: a prefix never ends in half a character.
export const citePrefix = (citation: string): string =>
  Array.from(clean(citation)).slice(0, CITE_PREFIX).join('');
export const citeKey = (prefix: string): string => equalityKey('cite', prefix);
/** The citation partitions that have rows: an entry `<year>|<prefix>` per document year a prefix has. */
export const CITES_KEY = equalityKey('catalogue', 'cites');

/** Keys never sharing a posting: each is read on its own by every query of its kind. */
const OWN_POSTING = new Set([YEARS_KEY, CITES_KEY, RECENT_KEY]);

/** The lines that list the rows of `changes` under their citation partitions, and those partitions. */
const citeLines = (
  changes: readonly ProjectionChange<IndexedRow & { readonly keys?: readonly string[] }>[],
  add: (key: string, line: string) => void,
): void => {
  const partitions = new Set<string>();
  for (const { id, before, after } of changes) {
    const year = yearOf(after.document.date);
    const prefix = citePrefix(after.document.citation);
    partitions.add(`${year}|${prefix}`);
    add(partitionKey(citeKey(prefix), year), encodeEntry(entryOf(id, after, keysOf(after))));
    // A document is not revised (its year and citation stay), but should one be, the row moves.
    const was = before ? citePrefix(before.document.citation) : prefix;
    const wasYear = before ? yearOf(before.document.date) : year;
    if (was !== prefix || wasYear !== year)
      add(partitionKey(citeKey(was), wasYear), encodeRemoval(id, after.version));
  }
  // The same partitions give the same posting (same id): written once, not once per batch.
  for (const partition of [...partitions].sort())
    add(
      CITES_KEY,
      encodeEntry({
        id: partition,
        version: 1,
        date: partition.slice(0, 4),
        citation: partition.slice(5),
        updatedAt: '',
        weak: [],
      }),
    );
};

/** The lines a batch writes, by posting key. */
const linesByKey = (): { byKey: Map<string, string[]>; add: (key: string, line: string) => void } => {
  const byKey = new Map<string, string[]>();
  const add = (key: string, line: string): void => {
    const lines = byKey.get(key);
    if (lines) lines.push(line);
    else byKey.set(key, [line]);
  };
  return { byKey, add };
};

/**
 * The projection's `beforeWrite`: one posting per (key, year) the batch touched, holding an entry for
 * each row now under the key (every change re-lists a row under all its keys, so the newest entry
 * carries the current updatedAt and weak keys) and a removal for each row that left it. Weak keys get
 * no postings: they are tested on the entries of the strong keys or of ALL_KEY.
 */
export const writePostings = async (
  changes: readonly ProjectionChange<IndexedRow & { readonly keys?: readonly string[] }>[],
  db: Db,
): Promise<void> => {
  const { byKey, add } = linesByKey();
  const years = new Set<string>();
  for (const { id, before, after } of changes) {
    const year = yearOf(after.document.date);
    years.add(year);
    const keys = keysOf(after);
    const entry = entryOf(id, after, keys);
    const line = encodeEntry(entry);
    const allLine = encodeEntry(withoutCitation(entry));
    for (const key of keys)
      if (!isWeakKey(key)) add(partitionKey(key, year), key === ALL_KEY ? allLine : line);
    add(RECENT_KEY, allLine);
    const now = new Set(keys);
    for (const key of before ? keysOf(before) : [])
      if (!now.has(key) && !isWeakKey(key)) add(partitionKey(key, year), encodeRemoval(id, after.version));
  }
  // The same years give the same posting (same id): written once, not once per batch.
  for (const year of [...years].sort())
    add(YEARS_KEY, encodeEntry({ id: year, version: 1, date: year, citation: '', updatedAt: '', weak: [] }));
  citeLines(changes, add);
  await insertManyIgnoringDuplicates(db.collection<Posting>(POSTINGS), postingsOf(byKey));
};

/**
 * Only the postings sorts walk (citation partitions, recent updates) for `changes`: rows indexed before
 * those existed (CatalogueIndexes).
 */
export const writeWalkPostings = async (
  changes: readonly ProjectionChange<IndexedRow & { readonly keys?: readonly string[] }>[],
  db: Db,
): Promise<void> => {
  const { byKey, add } = linesByKey();
  citeLines(changes, add);
  for (const { id, after } of changes)
    add(RECENT_KEY, encodeEntry(withoutCitation(entryOf(id, after, keysOf(after)))));
  await insertManyIgnoringDuplicates(db.collection<Posting>(POSTINGS), postingsOf(byKey));
};

/** The years the catalogue has rows of, ascending. */
export const catalogueYears = async (db: Db): Promise<string[]> =>
  [...(await readPosting(db, YEARS_KEY)).keys()].sort();

/** The citation partitions that have rows: each prefix with its years, prefixes ascending. */
export const citePartitions = async (db: Db): Promise<Map<string, string[]>> => {
  const out = new Map<string, string[]>();
  const entries = [...(await readPosting(db, CITES_KEY)).values()];
  for (const e of entries.sort((a, b) => (a.citation < b.citation ? -1 : a.citation > b.citation ? 1 : 0)))
    out.set(e.citation, [...(out.get(e.citation) ?? []), e.date]);
  return out;
};

/** Postings a key may pile up before a reader merges them into one (per CHUNK entries). */
const COMPACT_AT = 8;
/** Entries per merged posting: ~2 MB, well under the 16 MB document limit at any catalogue size. */
const CHUNK = 20_000;
const compacting = new Set<string>();

/**
 * Replaces the postings read with merged ones holding only each row's newest entry (removals and
 * superseded entries dropped). Deterministic ids make two readers merging the same postings insert the
 * same documents once; postings written meanwhile are not touched.
 */
const compact = async (
  c: Collection<Posting>,
  key: string,
  read: Posting[],
  list: PostingList,
  floor: string,
) => {
  const merged: Posting[] = [];
  if (key === RECENT_KEY) {
    const newest = [...list.values()].sort((a, b) =>
      a.updatedAt !== b.updatedAt ? (a.updatedAt > b.updatedAt ? -1 : 1) : a.id < b.id ? -1 : 1,
    );
    const dropped = newest[RECENT_KEPT];
    const raised = dropped && dropped.updatedAt > floor ? dropped.updatedAt : floor;
    merged.push(posting([[key, newest.slice(0, RECENT_KEPT).map(encodeEntry)]], raised));
  } else {
    const lines = [...list.values()].map((e) => encodeEntry(isAllPartition(key) ? withoutCitation(e) : e));
    for (let i = 0; i < lines.length; i += CHUNK) merged.push(posting([[key, lines.slice(i, i + CHUNK)]]));
  }
  await insertManyIgnoringDuplicates(c, merged);
  const kept = new Set(merged.map((m) => m._id));
  // A shared posting other keys still need only stops being found under this one.
  const ops: AnyBulkWriteOperation<Posting>[] = read
    .filter((p) => !kept.has(p._id))
    .map((p) =>
      p.keys.length === 1
        ? { deleteOne: { filter: { _id: p._id } } }
        : { updateOne: { filter: { _id: p._id }, update: { $pull: { keys: key } } } },
    );
  if (ops.length > 0) await c.bulkWrite(ops, { ordered: false });
};

/**
 * A key's posting list: one indexed equality (`{keys: K}`, GIN on FerretDB, multikey on MongoDB), no
 * sort, no limit. When the key has piled up postings, merges them after answering.
 */
export const readPosting = async (db: Db, key: string): Promise<PostingList> =>
  (await readPostingAbove(db, key)).list;

/**
 * The rows updated last: every row whose newest entry's updatedAt is above `floor` is in `list` (with
 * others, below it); '' when nothing was ever dropped (then every row is).
 */
export const readRecent = (db: Db): Promise<{ list: PostingList; floor: string }> =>
  readPostingAbove(db, RECENT_KEY);

const readPostingAbove = async (db: Db, key: string): Promise<{ list: PostingList; floor: string }> => {
  const c = db.collection<Posting>(POSTINGS);
  const postings = await c.find({ keys: key }).toArray();
  const newest = new Map<string, PostingEntry | { readonly id: string; readonly version: number }>();
  let floor = '';
  for (const p of postings) {
    mergeInto(newest, entriesOf(p, key));
    if (p.floor !== undefined && p.floor > floor) floor = p.floor;
  }
  const list: PostingList = new Map();
  for (const [id, e] of newest) if ('date' in e) list.set(id, e);
  const merged = key === RECENT_KEY ? 1 : Math.ceil(list.size / CHUNK);
  if (postings.length > COMPACT_AT + merged && !compacting.has(key)) {
    compacting.add(key);
    // After answering: a failed merge leaves the postings as they were, and the next reader tries again.
    void compact(c, key, postings, list, floor)
      .catch(() => undefined)
      .finally(() => compacting.delete(key));
  }
  return { list, floor };
};

/** The find a posting read issues, for the explain-based tests. */
export const postingFind = (key: string) => ({ filter: { keys: key } });
