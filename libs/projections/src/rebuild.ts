import type { AnyBulkWriteOperation, Collection, Db, Document } from 'mongodb';
import { canonicalJson, type StoredEvent } from '@tracker/contracts';
import { isDuplicateKey } from '@tracker/ferretdb';
import { MongoProjectionStore } from './mongo-projection-store';
import type { Projection } from './projection';
import { firstRevision } from './written-documents';

/** Where a rebuild replays from: the service's own event store, or its inbox of consumed events. */
export interface RebuildSource {
  readonly kind: 'event-store' | 'inbox';
  /** Fixes the end of the replay (high-water mark); returns how many events the replay will yield. */
  snapshot(): Promise<{ total: number }>;
  /** Every event up to the snapshot, in replay order (per-stream version order is required). */
  replay(batchSize: number): AsyncIterable<StoredEvent[]>;
  /** Events that arrived since the previous mark (overlap allowed: applying is idempotent); moves the mark. */
  catchUp(batchSize: number): AsyncIterable<StoredEvent[]>;
}

export type RebuildState =
  'queued' | 'replaying' | 'catching-up' | 'swapping' | 'comparing' | 'done' | 'failed';

export interface RebuildProgress {
  readonly state: RebuildState;
  /** Events replayed so far (replay phase), of `total`. */
  readonly done: number;
  readonly total: number;
  /** Events per second over the replay so far. */
  readonly rate: number;
  readonly etaSeconds: number | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** Documents in the rebuilt read model. */
  readonly documents: number;
  readonly swap: { replaced: number; inserted: number; deleted: number; unchanged: number } | null;
  readonly caughtUp: number;
  /** In check mode: ids whose rebuilt document differs from the live one (first 50). */
  readonly differences: readonly string[] | null;
  readonly error: string | null;
}

export interface RebuildOptions {
  readonly liveCollection: string;
  readonly shadowCollection: string;
  /** `swap`: replace the live read model; `check`: only compare the rebuilt one with the live one. */
  readonly mode: 'swap' | 'check';
  readonly batchSize?: number;
  readonly onProgress?: (p: RebuildProgress) => void;
  readonly clock?: () => Date;
}

type Row = Document & { _id: string; _rev?: number };

/** A read-model document without its optimistic revision, as the comparison of two read models sees it. */
export const comparableDocument = (doc: Document): string => {
  const { _rev: _r, ...rest } = doc;
  return canonicalJson(rest);
};

/**
 * Rebuilds one read model from its source into a shadow collection, then swaps it in, while live
 * consumers keep applying to the live collection (ADR 0007):
 *  1. replay the source up to a snapshot into the shadow (progress: done / total, rate, ETA);
 *  2. catch the shadow up with what arrived meanwhile;
 *  3. swap in place: each live document is replaced by its rebuilt twin under its `_rev` (a consumer
 *     writing the same document at that moment gets a revision conflict and re-applies on the new one),
 *     documents the replay did not produce are deleted;
 *  4. catch the live collection up again, so nothing a consumer wrote during the swap is lost.
 * The collection name never changes: FerretDB 1.24 has no renameCollection with dropTarget, and readers
 * query the read model by name.
 */
export class ProjectionRebuild<TDoc extends object> {
  private progress: RebuildProgress;
  private readonly clock: () => Date;

  constructor(
    private readonly projection: Projection<TDoc>,
    private readonly db: Db,
    private readonly source: RebuildSource,
    private readonly options: RebuildOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.progress = {
      state: 'queued',
      done: 0,
      total: 0,
      rate: 0,
      etaSeconds: null,
      startedAt: this.clock().toISOString(),
      finishedAt: null,
      documents: 0,
      swap: null,
      caughtUp: 0,
      differences: null,
      error: null,
    };
  }

  get current(): RebuildProgress {
    return this.progress;
  }

  async run(): Promise<RebuildProgress> {
    const batchSize = this.options.batchSize ?? 500;
    const shadow = new MongoProjectionStore(this.projection, this.db, this.options.shadowCollection);
    const live = new MongoProjectionStore(this.projection, this.db, this.options.liveCollection);
    const started = Date.now();
    try {
      await this.dropShadow();
      const { total } = await this.source.snapshot();
      this.update({ state: 'replaying', total });
      let done = 0;
      let lastReport = 0;
      for await (const batch of this.source.replay(batchSize)) {
        await shadow.applyBatch(batch);
        done += batch.length;
        if (Date.now() - lastReport > 250 || done >= total) {
          lastReport = Date.now();
          const seconds = Math.max(0.001, (Date.now() - started) / 1000);
          const rate = done / seconds;
          this.update({
            done,
            total: Math.max(total, done),
            rate: Math.round(rate),
            etaSeconds: rate > 0 ? Math.max(0, Math.round((total - done) / rate)) : null,
          });
        }
      }
      this.update({ state: 'catching-up', done, total: Math.max(total, done), etaSeconds: 0 });
      let caughtUp = await this.applyAll(this.source.catchUp(batchSize), shadow);
      this.update({ caughtUp, documents: await shadow.collection.countDocuments() });

      if (this.options.mode === 'check') {
        this.update({ state: 'comparing' });
        const differences = await this.compare(shadow.collection as unknown as Collection<Row>);
        await this.dropShadow();
        return this.update({ state: 'done', differences, finishedAt: this.clock().toISOString() });
      }

      this.update({ state: 'swapping' });
      const swap = await this.swapInto(
        shadow.collection as unknown as Collection<Row>,
        live.collection as unknown as Collection<Row>,
      );
      this.update({ swap });
      caughtUp += await this.applyAll(this.source.catchUp(batchSize), live);
      await this.dropShadow();
      return this.update({
        state: 'done',
        caughtUp,
        documents: await live.collection.countDocuments(),
        finishedAt: this.clock().toISOString(),
      });
    } catch (err) {
      await this.dropShadow().catch(() => undefined);
      return this.update({
        state: 'failed',
        error: err instanceof Error ? err.message : String(err),
        finishedAt: this.clock().toISOString(),
      });
    }
  }

  private update(patch: Partial<RebuildProgress>): RebuildProgress {
    this.progress = { ...this.progress, ...patch };
    this.options.onProgress?.(this.progress);
    return this.progress;
  }

  private async applyAll(
    batches: AsyncIterable<StoredEvent[]>,
    store: MongoProjectionStore<TDoc>,
  ): Promise<number> {
    let n = 0;
    for await (const batch of batches) {
      await store.applyBatch(batch);
      n += batch.length;
    }
    return n;
  }

  private async dropShadow(): Promise<void> {
    const existing = await this.db.listCollections({ name: this.options.shadowCollection }).toArray();
    if (existing.length > 0) await this.db.collection(this.options.shadowCollection).drop();
  }

  private async swapInto(
    shadow: Collection<Row>,
    live: Collection<Row>,
  ): Promise<{ replaced: number; inserted: number; deleted: number; unchanged: number }> {
    const counts = { replaced: 0, inserted: 0, deleted: 0, unchanged: 0 };
    const rebuiltIds = new Set<string>();
    let batch: Row[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const current = await live.find({ _id: { $in: batch.map((d) => d._id) } }).toArray();
      const byId = new Map(current.map((d) => [d._id, d]));
      const ops: AnyBulkWriteOperation<Row>[] = [];
      const guarded: Row[] = [];
      for (const doc of batch) {
        const was = byId.get(doc._id);
        if (was && comparableDocument(was) === comparableDocument(doc)) {
          counts.unchanged += 1;
        } else if (was) {
          ops.push({
            replaceOne: {
              filter: { _id: doc._id, _rev: was._rev ?? 0 },
              replacement: { ...doc, _rev: (was._rev ?? 0) + 1 },
            },
          });
          guarded.push(doc);
        } else {
          ops.push({ insertOne: { document: { ...doc, _rev: firstRevision() } } });
          guarded.push(doc);
        }
      }
      if (ops.length > 0) {
        const result = await live.bulkWrite(ops, { ordered: false }).catch((err: unknown) => {
          if (typeof err === 'object' && err !== null && 'result' in err) return null;
          throw err;
        });
        if (result && result.matchedCount + result.insertedCount === ops.length) {
          counts.replaced += result.matchedCount;
          counts.inserted += result.insertedCount;
        } else {
          // A consumer wrote one of these documents meanwhile: settle them one by one.
          for (const doc of guarded) await this.swapOne(doc, live, counts);
        }
      }
      batch = [];
    };
    for await (const doc of shadow.find({}).batchSize(200)) {
      rebuiltIds.add(doc._id);
      batch.push(doc);
      if (batch.length >= 200) await flush();
    }
    await flush();
    for await (const doc of live.find({}, { projection: { _id: 1, _rev: 1 } })) {
      if (rebuiltIds.has(doc._id)) continue;
      const res = await live.deleteOne({ _id: doc._id, _rev: doc._rev ?? 0 });
      counts.deleted += res.deletedCount;
    }
    return counts;
  }

  private async swapOne(
    doc: Row,
    live: Collection<Row>,
    counts: { replaced: number; inserted: number; unchanged: number },
  ): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const was = await live.findOne({ _id: doc._id });
      if (was && comparableDocument(was) === comparableDocument(doc)) {
        counts.unchanged += 1;
        return;
      }
      if (!was) {
        try {
          await live.insertOne({ ...doc, _rev: firstRevision() });
          counts.inserted += 1;
          return;
        } catch (err) {
          if (isDuplicateKey(err)) continue;
          throw err;
        }
      }
      const res = await live.replaceOne(
        { _id: doc._id, _rev: was._rev ?? 0 },
        { ...doc, _rev: (was._rev ?? 0) + 1 },
      );
      if (res.matchedCount === 1) {
        counts.replaced += 1;
        return;
      }
    }
    throw new Error(`could not swap document ${doc._id}: it kept changing`);
  }

  private async compare(shadow: Collection<Row>): Promise<string[]> {
    const live = this.db.collection<Row>(this.options.liveCollection);
    return diffReadModels(shadow, live, 50);
  }
}

/** Ids whose documents differ (ignoring `_rev`) between two read-model collections; at most `max`. */
export const diffReadModels = async (a: Collection<Row>, b: Collection<Row>, max = 50): Promise<string[]> => {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for await (const doc of a.find({})) seen.set(doc._id, comparableDocument(doc));
  for await (const doc of b.find({})) {
    const mine = seen.get(doc._id);
    if (mine === undefined || mine !== comparableDocument(doc)) out.push(doc._id);
    seen.delete(doc._id);
    if (out.length >= max) return out;
  }
  for (const id of seen.keys()) {
    if (out.length >= max) break;
    out.push(id);
  }
  return out;
};
