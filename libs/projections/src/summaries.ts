import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { canonicalJson } from '@tracker/contracts';

/**
 * Aggregates a page shows (counts by status, by theme...) kept by the projection store, in the same
 * bulk write as the rows, and exact: a summary is a pure function of its parts, never a running `$inc`
 * (a delta applied twice, or lost between two writes, would drift; a recomputation converges). So a
 * rebuild reproduces it, and "rebuilt = live" covers it (ADR 0008).
 *
 * Rows are grouped by an ordinal fixed for their life (the tracker: the position of the event that
 * created the item), so a batch of new rows touches a few neighbouring groups. Groups form a tree:
 * level 1 gathers `fanOut[0]` ordinals, level n+1 gathers `fanOut[n]` groups of level n. Each summary
 * document holds its **parts** — a level-1 group the summary of each of its rows alone, a higher one
 * the summary of each child — and nothing else: a group's summary is the merge of its parts, computed
 * where it is needed (its parent's part; readers merge the parts of the top level, `SUMMARY_TOP`, a
 * handful of documents at any size). Stored once, not again merged beside them, every summary costs
 * half the bytes to read and write.
 *
 * A batch sets the part of every row it routes (from the row as it writes it, changed or not) and
 * carries each changed summary up to its parents. It reads nothing but the summaries on the way: each
 * summary document carries the chain key of every level-1 group below it (`chain:<group>`), so ONE
 * equality find on `keys` returns a level-1 group and all its ancestors (libs/ferretdb/src); a new
 * level-1 group finds its ancestors by `_id`. Setting
 * parts from the rows written repairs what a crash between two writes left behind: a redelivered batch
 * sets them again and carries them up the whole chain.
 */
export interface SummarySpec<TDoc extends object, TSum> {
  /** Where the row counts: an ordinal space and an ordinal fixed for the row's life; null: nowhere. */
  readonly slotOf: (doc: TDoc) => { readonly space: string; readonly ordinal: number } | null;
  /** Ordinals per level-1 group, then groups per group of each next level. */
  readonly fanOut: readonly number[];
  // Methods, not function properties: a spec of any summary type is a SummarySpec<TDoc, unknown>.
  /** The summary of rows; `merge` of the rows' own summaries must give the same. */
  summarize(rows: readonly TDoc[]): TSum;
  merge(parts: readonly TSum[]): TSum;
}

/** The key every top-level summary carries: `{keys: SUMMARY_TOP}` reads them all. */
export const SUMMARY_TOP = 'tally:top';

/** A stored summary (beside the rows, in the read model's collection). */
export interface SummaryDocument<TSum> {
  readonly _id: string;
  readonly keys: readonly string[];
  /** By row id (level 1) or child group id: what each part contributes, in id order. */
  readonly parts: Readonly<Record<string, TSum>>;
  readonly _applied: Record<string, number>;
  readonly _rev: number;
}

/** Id prefix of summary documents (`tally<level>:<space>:<index>`); rows never start with it. */
export const SUMMARY_ID_PREFIX = 'tally';

const groupKey = (level: number, space: string, index: number): string =>
  `${SUMMARY_ID_PREFIX}${level}:${space}:${index}`;

interface Group {
  readonly level: number;
  readonly space: string;
  readonly index: number;
}

const keyOf = (g: Group): string => groupKey(g.level, g.space, g.index);

/** The key a summary document carries for each level-1 group at or below it. */
const chainKeyOf = (leaf: string): string => `chain:${leaf}`;

const parentOf = <TDoc extends object, TSum>(spec: SummarySpec<TDoc, TSum>, g: Group): Group | null =>
  g.level >= spec.fanOut.length
    ? null
    : { level: g.level + 1, space: g.space, index: Math.floor(g.index / spec.fanOut[g.level]!) };

const groupOfRow = <TDoc extends object>(
  spec: SummarySpec<TDoc, unknown>,
  doc: TDoc | null,
): Group | null => {
  const slot = doc ? spec.slotOf(doc) : null;
  return slot ? { level: 1, space: slot.space, index: Math.floor(slot.ordinal / spec.fanOut[0]!) } : null;
};

/** The merged top-level summaries: what a dashboard shows. */
export const readSummaries = async <TDoc extends object, TSum>(
  collection: Collection<Document>,
  spec: SummarySpec<TDoc, TSum>,
): Promise<TSum> => {
  const top = await collection.find({ keys: SUMMARY_TOP }, { projection: { parts: 1 } }).toArray();
  return spec.merge(top.flatMap((d) => Object.values((d as unknown as SummaryDocument<TSum>).parts)));
};

/** A row touched by a batch: as it was read (null: absent) and as the batch leaves it. */
export interface RowChange<TDoc extends object> {
  readonly id: string;
  readonly before: TDoc | null;
  readonly after: TDoc | null;
}

/** Object keys in order: a document's bytes do not depend on the order its parts arrived in. */
const sorted = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** One summary document as the batch is leaving it. */
interface Draft<TSum> {
  readonly group: Group;
  readonly current: SummaryDocument<TSum> | undefined;
  parts: Record<string, TSum>;
  /** Level-1 groups at or below this one. */
  leaves: Set<string>;
}

/**
 * The writes that bring every summary over the touched rows up to date, each guarded by the summary's
 * revision (a concurrent writer makes the batch retry, MongoProjectionStore). One find per touched
 * level-1 group (its chain); documents that end as they are stored are not written.
 */
export const summaryWrites = async <TDoc extends object, TSum>(
  collection: Collection<Document>,
  spec: SummarySpec<TDoc, TSum>,
  changes: readonly RowChange<TDoc>[],
): Promise<AnyBulkWriteOperation<Document>[]> => {
  /** Per touched level-1 group: its rows' parts the batch sets (null: the row left the group). */
  const leaves = new Map<string, { group: Group; parts: Map<string, TSum | null> }>();
  const touch = (group: Group, id: string, part: TSum | null): void => {
    const entry = leaves.get(keyOf(group)) ?? { group, parts: new Map<string, TSum | null>() };
    entry.parts.set(id, part);
    leaves.set(keyOf(group), entry);
  };
  for (const c of changes) {
    const to = groupOfRow(spec, c.after);
    const from = groupOfRow(spec, c.before);
    if (from && (!to || keyOf(from) !== keyOf(to))) touch(from, c.id, null);
    if (to) touch(to, c.id, spec.summarize([c.after!]));
  }
  if (leaves.size === 0) return [];

  const found = await Promise.all(
    [...leaves.keys()].map((leaf) => collection.find({ keys: chainKeyOf(leaf) }).toArray()),
  );
  const stored = new Map<string, SummaryDocument<TSum>>();
  for (const docs of found)
    for (const d of docs) stored.set(String(d._id), d as unknown as SummaryDocument<TSum>);
  // An ancestor that does not carry the group's chain key yet is read by `_id`: above a new group (once
  // per `fanOut[0]` new rows), or above one whose parent's write a conflict or a crash cut short.
  const missing = new Set<string>();
  for (const { group } of leaves.values())
    for (let g = parentOf(spec, group); g; g = parentOf(spec, g))
      if (!stored.has(keyOf(g))) missing.add(keyOf(g));
  const ancestors = await Promise.all(
    [...missing].map((id) => collection.find({ _id: id } as Document).toArray()),
  );
  for (const docs of ancestors)
    for (const d of docs) stored.set(String(d._id), d as unknown as SummaryDocument<TSum>);

  const drafts = new Map<string, Draft<TSum>>();
  const draftOf = (group: Group): Draft<TSum> => {
    const id = keyOf(group);
    let draft = drafts.get(id);
    if (!draft) {
      const current = stored.get(id);
      draft = {
        group,
        current,
        parts: { ...(current?.parts ?? {}) },
        leaves: new Set(
          (current?.keys ?? []).filter((k) => k.startsWith('chain:')).map((k) => k.slice('chain:'.length)),
        ),
      };
      drafts.set(id, draft);
    }
    return draft;
  };

  // Level by level from the leaves up: a group's summary becomes its parent's part (or leaves it).
  let level = [...leaves.values()].map(({ group, parts }) => {
    const draft = draftOf(group);
    for (const [id, part] of parts) {
      if (part === null) delete draft.parts[id];
      else draft.parts[id] = part;
    }
    return draft;
  });
  const ops: AnyBulkWriteOperation<Document>[] = [];
  while (level.length > 0) {
    const next = new Map<string, Draft<TSum>>();
    for (const draft of level) {
      const id = keyOf(draft.group);
      const empty = Object.keys(draft.parts).length === 0;
      if (draft.group.level === 1) {
        if (empty) draft.leaves.delete(id);
        else draft.leaves.add(id);
      }
      const parent = parentOf(spec, draft.group);
      if (parent) {
        const up = draftOf(parent);
        if (empty) delete up.parts[id];
        else up.parts[id] = spec.merge(Object.values(sorted(draft.parts)));
        // The parent's leaves are its children's: replace this child's share.
        for (const leaf of [...up.leaves]) if (isBelow(spec, leaf, draft.group)) up.leaves.delete(leaf);
        for (const leaf of draft.leaves) up.leaves.add(leaf);
        next.set(keyOf(parent), up);
      }
      const op = writeOf(draft, empty, parent);
      if (op) ops.push(op);
    }
    level = [...next.values()];
  }
  return ops;
};

/** Whether level-1 group `leaf` lies at or below `group`. */
const isBelow = <TDoc extends object, TSum>(
  spec: SummarySpec<TDoc, TSum>,
  leaf: string,
  group: Group,
): boolean => {
  const [, space, index] = /^[a-z]+1:(.*):(\d+)$/.exec(leaf) ?? [];
  if (space !== group.space || index === undefined) return false;
  let g: Group | null = { level: 1, space, index: Number(index) };
  while (g && g.level < group.level) g = parentOf(spec, g);
  return g !== null && g.index === group.index;
};

/** The write that leaves one summary document as drafted (none when it is already so). */
const writeOf = <TSum>(
  draft: Draft<TSum>,
  empty: boolean,
  parent: Group | null,
): AnyBulkWriteOperation<Document> | null => {
  const { current } = draft;
  const id = keyOf(draft.group);
  if (empty) {
    // An empty group has no summary, as in a replay where it never had rows.
    return current ? { deleteOne: { filter: { _id: id, _rev: current._rev } as Document } } : null;
  }
  const doc: Document = {
    _id: id,
    keys: [id, parent ? keyOf(parent) : SUMMARY_TOP, ...[...draft.leaves].sort().map(chainKeyOf)],
    parts: sorted(draft.parts),
    _applied: {},
  };
  if (current) {
    // The whole stored document, so that one written in another form (a merged summary beside its
    // parts, before 2026-12-07) is written again in this one.
    const { _rev: _r, ...stored } = current;
    if (canonicalJson(stored) === canonicalJson(doc)) return null;
  }
  return current
    ? {
        replaceOne: {
          filter: { _id: id, _rev: current._rev } as Document,
          replacement: { ...doc, _rev: current._rev + 1 },
        },
      }
    : { insertOne: { document: { ...doc, _rev: 1 } } };
};

/** How the first layout (ADR 0008, before parts and chains) marked its top summaries. */
const FIRST_LAYOUT_TOP = 'sum:top';
const FIRST_LAYOUT_ID = /^sum\d+:/;

/**
 * A read model whose summaries are in the first layout (recomputed from the rows, `sum<level>:` ids)
 * gets them in this one, once, at start before its consumers run: the rows are read in one pass and
 * summarized in slot order, the old documents deleted. A no-op for any other read model.
 */
export const migrateSummaries = async <TDoc extends object, TSum>(
  collection: Collection<Document>,
  spec: SummarySpec<TDoc, TSum>,
  batchSize = 1_000,
): Promise<{ rows: number }> => {
  if (!(await collection.findOne({ keys: FIRST_LAYOUT_TOP }))) return { rows: 0 };
  const rows: (TDoc & { _id: string })[] = [];
  const old: string[] = [];
  for await (const d of collection.find({})) {
    const id = String(d._id);
    if (FIRST_LAYOUT_ID.test(id)) old.push(id);
    else if (!id.startsWith(SUMMARY_ID_PREFIX)) rows.push(d as unknown as TDoc & { _id: string });
  }
  const ordinal = (r: TDoc): number => spec.slotOf(r)?.ordinal ?? -1;
  rows.sort((a, b) => ordinal(a) - ordinal(b));
  for (let i = 0; i < rows.length; i += batchSize) {
    const ops = await summaryWrites(
      collection,
      spec,
      rows.slice(i, i + batchSize).map((r) => ({ id: r._id, before: null, after: r })),
    );
    if (ops.length > 0) await collection.bulkWrite(ops, { ordered: true });
  }
  // Each by `_id` (pushed down on FerretDB, unlike `$in`): a few hundred documents, once.
  for (const id of old) await collection.deleteOne({ _id: id } as Document);
  return { rows: rows.length };
};
