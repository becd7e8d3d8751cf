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
): FoldedRow<TDoc> => {
  let doc = start.doc;
  const applied = { ...start.applied };
  const used = [...start.events];
  for (const event of events) {
    if (!projection.route(event).includes(id)) continue;
    if ((applied[event.streamId] ?? 0) >= event.version) continue;
    const next = projection.apply(doc, event, id);
    if (next === null) continue;
    doc = next;
    applied[event.streamId] = event.version;
    used.push(event);
  }
  return { doc, applied, events: used };
};
