import type { StoredEvent } from '@tracker/contracts';
import type { Projection } from './projection';

/** One read-model row folded in memory, with the same bookkeeping MongoProjectionStore keeps. */
export interface FoldedRow<TDoc extends object> {
  readonly doc: TDoc | null;
  readonly applied: Record<string, number>;
  /** Events that changed the row. */
  readonly events: readonly StoredEvent[];
}

/**
 * Folds `events` (in replay order) into the row `id`, with MongoProjectionStore's semantics: an event is
 * applied only when the row routes it and it is newer than what the row saw of its stream; an `apply`
 * that answers null leaves the row as it was. Pure: used for "projection as of" and to check rebuilds.
 */
export const foldProjectionRow = <TDoc extends object>(
  projection: Projection<TDoc>,
  events: Iterable<StoredEvent>,
  id: string,
  start: FoldedRow<TDoc> = { doc: null, applied: {}, events: [] },
): FoldedRow<TDoc> => foldProjectionRows(projection, events, [id], new Map([[id, start]])).get(id)!;

/**
 * The same fold for several rows in one pass over the events: what a reader that needs many rows as of
 * an instant (the implementation report) uses instead of one pass per row. Rows that no event touched
 * are returned empty.
 */
export const foldProjectionRows = <TDoc extends object>(
  projection: Projection<TDoc>,
  events: Iterable<StoredEvent>,
  ids: Iterable<string>,
  start: ReadonlyMap<string, FoldedRow<TDoc>> = new Map(),
): Map<string, FoldedRow<TDoc>> => {
  const rows = new Map<
    string,
    { doc: TDoc | null; applied: Record<string, number>; events: StoredEvent[] }
  >();
  for (const id of ids) {
    const s = start.get(id);
    rows.set(id, { doc: s?.doc ?? null, applied: { ...s?.applied }, events: [...(s?.events ?? [])] });
  }
  for (const event of events) {
    for (const id of projection.route(event)) {
      const row = rows.get(id);
      if (!row || (row.applied[event.streamId] ?? 0) >= event.version) continue;
      const next = projection.apply(row.doc, event, id);
      if (next === null) continue;
      row.doc = next;
      row.applied[event.streamId] = event.version;
      row.events.push(event);
    }
  }
  return rows;
};
