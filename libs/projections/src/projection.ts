import type { Db } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import type { SummarySpec } from './summaries';

/** One document a batch changed: as it was before the batch (null: new) and after it. */
export interface ProjectionChange<TDoc extends object> {
  readonly id: string;
  readonly before: TDoc | null;
  readonly after: TDoc;
}

/**
 * A read model is a pure fold: (document or null, event) → document or null (null = nothing to keep).
 * `route` says which documents an event touches, so one event can feed several rows (the tracker joins
 * three contexts).
 */
export interface Projection<TDoc extends object> {
  readonly name: string;
  readonly route: (event: StoredEvent) => readonly string[];
  readonly apply: (doc: TDoc | null, event: StoredEvent, id: string) => TDoc | null;
  /**
   * Optional: writes derived from a batch's changes (an index kept beside the read model), run before
   * the batch's documents are written, so a crash between the two leaves the index a superset that
   * readers check against the documents. A retried or redelivered batch runs it again: it must be
   * idempotent. E.g. apps/recommendations/src/infrastructure/catalogue-postings.ts.
   */
  readonly beforeWrite?: (changes: readonly ProjectionChange<TDoc>[], db: Db) => Promise<void>;
  /** Aggregates over the rows, kept by the store beside them, exact and rebuilt with them (summaries.ts). */
  readonly summaries?: SummarySpec<TDoc, unknown>;
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
