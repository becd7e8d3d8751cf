import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { canonicalJson } from '@tracker/contracts';
import { firstRevision } from './written-documents';

/**
 * Aggregates a page shows (counts by status, by theme...) kept by the projection store, in the same
 * bulk write as the rows, and exact: a summary is a pure function of the rows it covers, recomputed
 * from them, never a running `$inc` (a delta applied twice, or lost between two writes, would drift;
 * a recomputation converges). So a rebuild reproduces it, and "rebuilt = live" covers it (ADR 0008).
 *
 * Rows are grouped by an ordinal fixed for their life (the tracker: the position of the event that
 * created the item), so a batch of new rows touches a few neighbouring groups. Groups form a tree:
 * level 0 is one row's own part (`summarize([row])`, a small document beside the row, `sum0:<id>`),
 * level 1 gathers the parts of `fanOut[0]` ordinals, level n+1 gathers `fanOut[n]` groups of level n.
 * A batch writes the parts of the rows it changed, recomputes each touched level-1 group from its
 * parts (one indexed find returning small documents, not the rows: on FerretDB a find costs per JSON
 * value decoded, and a tracker row has ten times a part's), then each touched parent from its
 * children's summaries (one find per level). Readers merge the top level (`SUMMARY_TOP`): a handful of
 * documents at any size.
 *
 * A part is checked against its row whenever the row is routed, changed or not: the level-1 find
 * returns the stored part beside the others, and a part that differs from its row's (a bulk write cut
 * short between the two, a rebuild's swap) is rewritten. So every touch of a row repairs its part, as
 * every touch of a group recomputes it, and a redelivered batch converges to what a replay gives.
 *
 * Every find is an equality on `keys` (libs/ferretdb/src): a part carries the key of its level-1
 * group; a summary document carries its own key (so one find returns a group's members and its current
 * summary) and its parent's.
 */
export interface SummarySpec<TDoc extends object, TSum> {
  /** Where the row counts: an ordinal space and an ordinal fixed for the row's life; null: nowhere. */
  readonly slotOf: (doc: TDoc) => { readonly space: string; readonly ordinal: number } | null;
  /** Ordinals per level-1 group, then groups per group of each next level. */
  readonly fanOut: readonly number[];
  // Methods, not function properties: a spec of any summary type is a SummarySpec<TDoc, unknown>.
  summarize(rows: readonly TDoc[]): TSum;
  merge(parts: readonly TSum[]): TSum;
}

/** The key every top-level summary carries: `{keys: SUMMARY_TOP}` reads them all. */
export const SUMMARY_TOP = 'sum:top';

/**
 * A stored summary (beside the rows, in the read model's collection). The summary is kept as its
 * canonical JSON text: FerretDB's cost is per JSON value it decodes, so one string reads far cheaper
 * than the object with its dozens of counts, and two summaries compare as strings.
 */
export interface SummaryDocument {
  readonly _id: string;
  readonly keys: readonly string[];
  readonly summary: string;
  readonly _applied: Record<string, number>;
  readonly _rev: number;
}

const groupKey = (level: number, space: string, index: number): string => `sum${level}:${space}:${index}`;

/** The id of a row's part (level 0): its group finds it by the group's key, never the row itself. */
export const partIdOf = (rowId: string): string => `sum0:${rowId}`;

interface Group {
  readonly level: number;
  readonly space: string;
  readonly index: number;
}

const keyOf = (g: Group): string => groupKey(g.level, g.space, g.index);

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

interface RoutedPart<TSum> {
  readonly part: TSum | null;
  readonly group: Group | null;
  /** The batch creates the row: its part is inserted (one already there fails the batch, which retries). */
  readonly created: boolean;
}

/** The merged top-level summaries: what a dashboard shows. */
export const readSummaries = async <TDoc extends object, TSum>(
  collection: Collection<Document>,
  spec: SummarySpec<TDoc, TSum>,
): Promise<TSum> => {
  const top = await collection.find({ keys: SUMMARY_TOP }).toArray();
  return spec.merge(top.map((d) => unpack<TSum>(d as unknown as SummaryDocument)));
};

/**
 * Whether the stored summaries have the layout this code writes (parts beside the rows, packed): false
 * for a read model summarized by an earlier version, which must be rebuilt (AuditService does it at
 * start); until then its live batches still work, and its counts are off.
 */
export const summariesUpToDate = async (collection: Collection<Document>): Promise<boolean> => {
  const top = await collection.find({ keys: SUMMARY_TOP }).toArray();
  return top.every((d) => typeof (d as unknown as SummaryDocument).summary === 'string');
};

/** A row touched by a batch: as it was read (null: absent) and as the batch leaves it. */
export interface RowChange<TDoc extends object> {
  readonly id: string;
  readonly before: TDoc | null;
  readonly after: TDoc | null;
}

/** What summaryWrites produces: the writes, and each touched group as they leave it. */
export interface SummaryWrites {
  readonly ops: AnyBulkWriteOperation<Document>[];
  /** Per touched group key: its documents (members and its own summary) once `ops` have been applied. */
  readonly groups: ReadonlyMap<string, readonly SummaryDocument[]>;
}

/** A touched group's member the batch sets: its value and canonical text, or null when it leaves. */
type Member<TSum> = { readonly value: TSum; readonly packed: string } | null;

/**
 * The writes that bring every part and summary over the touched rows up to date, each guarded by its
 * revision (a concurrent writer makes the batch retry, MongoProjectionStore). Rows touched but left
 * unchanged (a redelivery) still get their parts checked and their groups recomputed: that repairs what
 * a crash left behind its rows.
 *
 * `remembered`: groups as this writer last left them (MongoProjectionStore), used instead of a find.
 * That is safe because a group's own revision moves whenever one of its members' content does (below,
 * even when the merged summary comes out the same): a remembered group another writer has changed
 * since fails the guard on its summary, and the batch retries from fresh finds.
 */
export const summaryWrites = async <TDoc extends object, TSum>(
  collection: Collection<Document>,
  spec: SummarySpec<TDoc, TSum>,
  changes: readonly RowChange<TDoc>[],
  remembered?: { get(key: string): readonly SummaryDocument[] | undefined },
): Promise<SummaryWrites> => {
  const ops: AnyBulkWriteOperation<Document>[] = [];
  /** Per touched group: its members the batch changes (a part, or a child's summary; null: gone). */
  let touched = new Map<string, { group: Group; members: Map<string, Member<TSum>> }>();
  const touch = (group: Group, id: string, member: Member<TSum>): void => {
    const entry = touched.get(keyOf(group)) ?? { group, members: new Map<string, Member<TSum>>() };
    entry.members.set(id, member);
    touched.set(keyOf(group), entry);
  };
  /** Each touched group's documents as read (or remembered). */
  const read = new Map<string, readonly SummaryDocument[]>();
  /** Each routed row's part as the row now is (null: counted nowhere), the group holding it, and whether the batch creates the row. */
  const parts = new Map<string, RoutedPart<TSum>>();
  for (const c of changes) {
    const to = groupOfRow(spec, c.after);
    const from = groupOfRow(spec, c.before);
    const id = partIdOf(c.id);
    const part = to ? spec.summarize([c.after!]) : null;
    parts.set(id, { part, group: to, created: c.before === null });
    if (from && (!to || keyOf(from) !== keyOf(to))) touch(from, id, null);
    if (to) touch(to, id, { value: part!, packed: canonicalJson(part) });
  }
  while (touched.size > 0) {
    const level = [...touched.values()];
    touched = new Map();
    // One find a group: its members (parts, or child summaries) and its own summary share its key.
    const found = await Promise.all(
      level.map(({ group }): Promise<readonly SummaryDocument[]> => {
        const key = keyOf(group);
        const known = remembered?.get(key);
        if (known) return Promise.resolve(known);
        return collection.find({ keys: key }).toArray() as unknown as Promise<SummaryDocument[]>;
      }),
    );
    level.forEach(({ group }, i) => read.set(keyOf(group), found[i] ?? []));
    if (level[0]?.group.level === 1) ops.push(...partWrites(parts, found.flat()));
    level.forEach(({ group, members }, i) => {
      const ownId = keyOf(group);
      const docs = found[i] ?? [];
      const current = docs.find((d) => d._id === ownId);
      const stored = new Map<string, SummaryDocument>();
      // Only summary documents (a row written before parts existed may still carry a group's key).
      for (const d of docs) if (d._id !== ownId && d._id.startsWith('sum')) stored.set(d._id, d);
      const values = new Map<string, unknown>();
      for (const [id, d] of stored) if (!members.has(id)) values.set(id, unpack<TSum>(d));
      let memberChanged = false;
      for (const [id, member] of members) {
        if (member === null) values.delete(id);
        else values.set(id, member.value);
        const was = stored.get(id);
        if (member === null ? was !== undefined : was?.summary !== member.packed) memberChanged = true;
      }
      const summary = values.size === 0 ? null : spec.merge([...values.values()] as TSum[]);
      if (summary === null && !current) return;
      const packed = summary === null ? null : canonicalJson(summary);
      // Rewritten when a member changed even if the merge is the same: the revision must move (above).
      if (packed !== null && current && current.summary === packed && !memberChanged) return;
      const parent = parentOf(spec, group);
      if (summary === null) {
        // An empty group has no summary, as in a replay where it never had rows.
        ops.push({ deleteOne: { filter: { _id: ownId, _rev: current!._rev } as Document } });
      } else {
        ops.push(
          writeSummary(
            {
              _id: ownId,
              keys: [ownId, parent ? keyOf(parent) : SUMMARY_TOP],
              summary: packed,
              _applied: {},
            },
            current,
          ),
        );
      }
      if (parent) touch(parent, ownId, summary === null ? null : { value: summary, packed: packed! });
    });
  }
  return { ops, groups: groupsAfter(read, ops) };
};

/** The touched groups' documents once `ops` (inserts, replaces and deletes by `_id`) have been applied. */
const groupsAfter = (
  read: ReadonlyMap<string, readonly SummaryDocument[]>,
  ops: readonly AnyBulkWriteOperation<Document>[],
): Map<string, readonly SummaryDocument[]> => {
  const written = new Map<string, SummaryDocument | null>();
  for (const op of ops) {
    if ('insertOne' in op) {
      const doc = op.insertOne.document as unknown as SummaryDocument;
      written.set(doc._id, doc);
    } else if ('replaceOne' in op) {
      const doc = op.replaceOne.replacement as unknown as SummaryDocument;
      written.set(doc._id, doc);
    } else if ('deleteOne' in op) written.set(op.deleteOne.filter._id as unknown as string, null);
  }
  const groups = new Map<string, readonly SummaryDocument[]>();
  for (const [key, docs] of read) {
    const kept = docs.filter((d) => !written.has(d._id));
    for (const d of written.values()) if (d?.keys.includes(key)) kept.push(d);
    groups.set(key, kept);
  }
  return groups;
};

/**
 * The parts of the routed rows that differ from what the touched groups hold: replaced or deleted under
 * their revisions, or upserted when no touched group holds one (a new row; or a part a cut-short write
 * left under another group, which the upsert moves). A new row's part is inserted.
 */
const partWrites = <TSum>(
  parts: ReadonlyMap<string, RoutedPart<TSum>>,
  found: readonly SummaryDocument[],
): AnyBulkWriteOperation<Document>[] => {
  const stored = new Map(found.filter((d) => d._id.startsWith('sum0:')).map((d) => [d._id, d]));
  const ops: AnyBulkWriteOperation<Document>[] = [];
  for (const [id, { part, group, created }] of parts) {
    const was = stored.get(id);
    if (part === null || group === null) {
      if (was) ops.push({ deleteOne: { filter: { _id: id, _rev: was._rev } as Document } });
      continue;
    }
    const doc = { _id: id, keys: [keyOf(group)], summary: canonicalJson(part), _applied: {} };
    if (was && was.keys[0] === doc.keys[0] && was.summary === doc.summary) continue;
    // A new row's part is inserted (batched: an upsert costs FerretDB a lookup and a transaction each);
    // one a touched group should hold but does not is upserted.
    ops.push(
      was || created
        ? writeSummary(doc, was)
        : {
            replaceOne: {
              filter: { _id: id } as Document,
              replacement: { ...doc, _rev: firstRevision() },
              upsert: true,
            },
          },
    );
  }
  return ops;
};

/** A stored summary's value; one written before summaries were packed (an object) is read as it is. */
const unpack = <TSum>(d: SummaryDocument): TSum =>
  (typeof d.summary === 'string' ? JSON.parse(d.summary) : d.summary) as TSum;

/** A summary or part document, inserted or replaced under the revision it was read at. */
const writeSummary = (
  doc: Document & { _id: string },
  current: SummaryDocument | undefined,
): AnyBulkWriteOperation<Document> =>
  current
    ? {
        replaceOne: {
          filter: { _id: doc._id, _rev: current._rev } as Document,
          replacement: { ...doc, _rev: current._rev + 1 },
        },
      }
    : { insertOne: { document: { ...doc, _rev: firstRevision() } as Document } };
