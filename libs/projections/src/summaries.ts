import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { canonicalJson } from '@tracker/contracts';

/**
 * Aggregates a page shows (counts by status, by theme...) kept by the projection store, in the same
 * bulk write as the rows, and exact: a summary is a pure function of the rows it covers, recomputed
 * from them, never a running `$inc` (a delta applied twice, or lost between two writes, would drift;
 * a recomputation converges). So a rebuild reproduces it, and "rebuilt = live" covers it (ADR 0008).
 *
 * Rows are grouped by an ordinal fixed for their life (the tracker: the position of the event that
 * created the item), so a batch of new rows touches a few neighbouring groups. Groups form a tree:
 * level 1 gathers `fanOut[0]` ordinals, level n+1 gathers `fanOut[n]` groups of level n. A batch
 * recomputes each touched level-1 group from its rows (one indexed find), then each touched parent from
 * its children's summaries (one find per level). Readers merge the top level (`SUMMARY_TOP`): a handful
 * of documents at any size.
 *
 * Every find is an equality on `keys` (libs/ferretdb/src): a row carries the key of its level-1
 * group (`summaryKeyOf`, the projection puts it among its keys); a summary document carries its own key
 * (so one find returns a group's members and its current summary) and its parent's.
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

/** A stored summary (beside the rows, in the read model's collection). */
export interface SummaryDocument<TSum> {
  readonly _id: string;
  readonly keys: readonly string[];
  readonly summary: TSum;
  readonly _applied: Record<string, number>;
  readonly _rev: number;
}

const groupKey = (level: number, space: string, index: number): string => `sum${level}:${space}:${index}`;

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

/** The key the projection puts among a row's keys so its level-1 group finds it; null when none. */
export const summaryKeyOf = <TDoc extends object>(
  spec: SummarySpec<TDoc, unknown>,
  doc: TDoc,
): string | null => {
  const g = groupOfRow(spec, doc);
  return g ? keyOf(g) : null;
};

/** The merged top-level summaries: what a dashboard shows. */
export const readSummaries = async <TDoc extends object, TSum>(
  collection: Collection<Document>,
  spec: SummarySpec<TDoc, TSum>,
): Promise<TSum> => {
  const top = await collection.find({ keys: SUMMARY_TOP }).toArray();
  return spec.merge(top.map((d) => (d as unknown as SummaryDocument<TSum>).summary));
};

/** A row touched by a batch: as it was read (null: absent) and as the batch leaves it. */
export interface RowChange<TDoc extends object> {
  readonly id: string;
  readonly before: TDoc | null;
  readonly after: TDoc | null;
}

/**
 * The writes that bring every summary over the touched rows up to date, each guarded by the summary's
 * revision (a concurrent writer makes the batch retry, MongoProjectionStore). Rows touched but left
 * unchanged (a redelivery) still get their groups recomputed: that repairs a summary a crash left behind
 * its rows.
 */
export const summaryWrites = async <TDoc extends object, TSum>(
  collection: Collection<Document>,
  spec: SummarySpec<TDoc, TSum>,
  changes: readonly RowChange<TDoc>[],
): Promise<AnyBulkWriteOperation<Document>[]> => {
  const ops: AnyBulkWriteOperation<Document>[] = [];
  /** Per touched group: its members the batch changes (a row, or a child's summary; null: gone). */
  let touched = new Map<string, { group: Group; members: Map<string, unknown> }>();
  const touch = (group: Group, id: string, value: unknown): void => {
    const entry = touched.get(keyOf(group)) ?? { group, members: new Map<string, unknown>() };
    entry.members.set(id, value);
    touched.set(keyOf(group), entry);
  };
  for (const c of changes) {
    const to = groupOfRow(spec, c.after);
    const from = groupOfRow(spec, c.before);
    if (from && (!to || keyOf(from) !== keyOf(to))) touch(from, c.id, null);
    if (to) touch(to, c.id, c.after);
  }
  while (touched.size > 0) {
    const level = [...touched.values()];
    touched = new Map();
    // One find a group: its members (rows, or child summaries) and its own summary share its key.
    const found = await Promise.all(
      level.map(({ group }) => collection.find({ keys: keyOf(group) }).toArray()),
    );
    level.forEach(({ group, members }, i) => {
      const ownId = keyOf(group);
      const docs = found[i] ?? [];
      const current = docs.find((d) => String(d._id) === ownId) as SummaryDocument<TSum> | undefined;
      const parts = new Map<string, unknown>();
      for (const d of docs)
        if (String(d._id) !== ownId)
          parts.set(String(d._id), group.level === 1 ? d : (d as unknown as SummaryDocument<TSum>).summary);
      for (const [id, value] of members) {
        if (value === null) parts.delete(id);
        else parts.set(id, value);
      }
      const summary =
        parts.size === 0
          ? null
          : group.level === 1
            ? spec.summarize([...parts.values()] as TDoc[])
            : spec.merge([...parts.values()] as TSum[]);
      if (summary === null && !current) return;
      if (summary !== null && current && canonicalJson(current.summary) === canonicalJson(summary)) return;
      const parent = parentOf(spec, group);
      if (summary === null) {
        // An empty group has no summary, as in a replay where it never had rows.
        ops.push({ deleteOne: { filter: { _id: ownId, _rev: current!._rev } as Document } });
      } else {
        const doc: Document = {
          _id: ownId,
          keys: [ownId, parent ? keyOf(parent) : SUMMARY_TOP],
          summary,
          _applied: {},
        };
        ops.push(
          current
            ? {
                replaceOne: {
                  filter: { _id: ownId, _rev: current._rev } as Document,
                  replacement: { ...doc, _rev: current._rev + 1 },
                },
              }
            : { insertOne: { document: { ...doc, _rev: 1 } } },
        );
      }
      if (parent) touch(parent, ownId, summary);
    });
  }
  return ops;
};
