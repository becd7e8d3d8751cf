import { createHash } from 'node:crypto';

/**
 * How catalogue postings are written in a document (docs/adr/0009): one string packs every entry of a
 * key (FerretDB decodes per JSON value, not per byte), keys of a shared posting in sections; an entry
 * is newer than another of its row by its version, and a removal entry says the row left the key.
 */

/** One recommendation as a posting lists it: enough to filter on weak keys, order and page. */
export interface PostingEntry {
  readonly id: string;
  readonly version: number;
  readonly date: string;
  readonly citation: string;
  /** Milliseconds since 1970 in base 36, 9 digits: ordered as the ISO time, 15 bytes shorter. */
  readonly updatedAt: string;
  /** The row's weak keys at this version, as `weakCode`s. */
  readonly weak: readonly string[];
}

// Control characters no text field holds separate the fields of an entry, the entries of a key, and
// the keys of a posting (`<key> KEY <entries>`, SECTION between keys).
const FIELD = '\u001f';
const ENTRY = '\u001e';
const KEY = '\u001d';
const SECTION = '\u001c';
const REMOVED = '-';
export const clean = (s: string): string =>
  [FIELD, ENTRY, KEY, SECTION].reduce((t, sep) => t.split(sep).join(' '), s);

export const encodeEntry = (e: PostingEntry): string =>
  [e.id, e.version, e.date, e.updatedAt, e.weak.join(' '), clean(e.citation)].join(FIELD);
/** "From this version on, the row is no longer under this key." */
export const encodeRemoval = (id: string, version: number): string => [id, version, REMOVED].join(FIELD);

/**
 * A key's entries, or (a shared posting) the entries of several keys that each had few entries in the
 * batch: a batch of 500 rows touches ~1,900 keys, most of them words in a few of its rows, and one
 * document per key is what a batch pays for (insert cost is per document far more than per byte).
 */
export interface Posting {
  readonly _id: string;
  readonly keys: readonly string[];
  readonly entries: string;
  /** RECENT_KEY, once compacted: every row updated after this (an entry's updatedAt) is listed. */
  readonly floor?: string;
}

/** A key's entries: the newest per recommendation, those whose newest says "removed" left out. */
export type PostingList = Map<string, PostingEntry>;

/** The entries of `key` in a posting: all of them, or its section of a shared one. */
export const entriesOf = (posting: Posting, key: string): string => {
  const head = `${key}${KEY}`;
  const section = posting.entries.split(SECTION).find((x) => x.startsWith(head));
  return section === undefined ? '' : section.slice(head.length);
};

export const mergeInto = (
  newest: Map<string, PostingEntry | { readonly id: string; readonly version: number }>,
  packed: string,
): void => {
  if (packed === '') return;
  for (const line of packed.split(ENTRY)) {
    const f = line.split(FIELD);
    const id = f[0]!;
    const version = Number(f[1]);
    const seen = newest.get(id);
    if (seen && seen.version >= version) continue;
    newest.set(
      id,
      f[2] === REMOVED
        ? { id, version }
        : {
            id,
            version,
            date: f[2]!,
            updatedAt: f[3]!,
            weak: f[4] ? f[4].split(' ') : [],
            citation: f.slice(5).join(FIELD),
          },
    );
  }
};

export const contentHash = (s: string): string =>
  createHash('sha1').update(s).digest('base64url').slice(0, 20);

/** A posting of one or more keys; its id hashes its content, so writing it twice inserts it once. */
export const posting = (
  sections: readonly (readonly [key: string, lines: readonly string[]])[],
  floor?: string,
): Posting => {
  const entries = sections.map(([key, lines]) => `${key}${KEY}${lines.join(ENTRY)}`).join(SECTION);
  const name = sections.length === 1 ? sections[0]![0] : 'shared';
  // The floor is part of the content: two merges keeping the same entries under different floors are
  // two documents, so the one that dropped more entries cannot lose its floor to the other.
  if (floor === undefined)
    return { _id: `${name}|${contentHash(entries)}`, keys: sections.map(([key]) => key), entries };
  return { _id: `${name}|${contentHash(`${floor}${KEY}${entries}`)}`, keys: [name], entries, floor };
};
