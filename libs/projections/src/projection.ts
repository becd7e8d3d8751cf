import type { StoredEvent } from '@tracker/contracts';

/**
 * A read model is a pure fold: (document or null, event) → document or null (null = nothing to keep).
 * `route` says which documents an event touches, so one event can feed several rows (the tracker joins
 * three contexts).
 */
export interface Projection<TDoc extends object> {
  readonly name: string;
  readonly route: (event: StoredEvent) => readonly string[];
  readonly apply: (doc: TDoc | null, event: StoredEvent, id: string) => TDoc | null;
}

/** Bookkeeping stored beside every read-model document. */
export interface ReadModelMeta {
  /** Last version applied, per stream: redelivered or replayed events that are not newer are skipped. */
  _applied: Record<string, number>;
  /** Optimistic revision: two writers of one document never overwrite each other. */
  _rev: number;
}

export type ReadModelDocument<TDoc extends object> = TDoc & ReadModelMeta & { _id: string };

/** Strips the bookkeeping (and the storage key), for API answers. */
export const withoutMeta = <TDoc extends object>(doc: ReadModelDocument<TDoc>): TDoc => {
  const { _applied: _a, _rev: _r, _id: _i, ...rest } = doc;
  return rest as unknown as TDoc;
};
