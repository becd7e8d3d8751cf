import type { AnyBulkWriteOperation, Collection, Db, Document } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import { isDuplicateKey, writeErrorsOf } from '@tracker/ferretdb';
import type { Projection, ProjectionChange, ReadModelDocument } from './projection';
import { summaryWrites, type SummaryDocument } from './summaries';
import { firstRevision, WrittenDocuments } from './written-documents';

const hasWriteConflicts = (err: unknown): boolean => isDuplicateKey(err) || writeErrorsOf(err) !== null;

class RevisionConflict extends Error {}

export interface ApplyResult {
  readonly applied: number;
  readonly skipped: number;
  readonly written: number;
}

/** How many documents a store remembers as it last wrote them (written-documents.ts). */
const REMEMBERED_DOCUMENTS = 2_000;
/** How many summary groups (summaries.ts: at most 64 small parts, or 32 summaries, each) it remembers. */
const REMEMBERED_GROUPS = 256;

/**
 * Applies events to a read-model collection in batches: one read of the touched documents (none for
 * those this store wrote last and still remembers), the pure fold in memory, one ordered bulkWrite
 * guarded by each document's revision. A conflicting writer makes the batch retry from a fresh read;
 * (streamId, version) makes the retry and any redelivery harmless.
 */
export class MongoProjectionStore<TDoc extends object> {
  private readonly written = new WrittenDocuments<ReadModelDocument<TDoc>>(REMEMBERED_DOCUMENTS);
  private readonly groups = new WrittenDocuments<readonly SummaryDocument[]>(REMEMBERED_GROUPS);

  constructor(
    readonly projection: Projection<TDoc>,
    private readonly db: Db,
    private collectionName: string = projection.name,
  ) {}

  get collection(): Collection<ReadModelDocument<TDoc>> {
    return this.db.collection<ReadModelDocument<TDoc>>(this.collectionName);
  }

  /** Points the store at another collection (used after a rebuild swaps the live one). */
  retarget(collectionName: string): void {
    this.collectionName = collectionName;
    this.written.clear();
    this.groups.clear();
  }

  async applyBatch(events: readonly StoredEvent[], maxAttempts = 10): Promise<ApplyResult> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        // A retry reads every document: the first attempt may have assumed new a row that exists, or
        // trusted a remembered one another writer has changed since.
        return await this.tryApply(events, attempt === 1);
      } catch (err) {
        if (!(err instanceof RevisionConflict || hasWriteConflicts(err)) || attempt >= maxAttempts) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  private async tryApply(events: readonly StoredEvent[], firstAttempt: boolean): Promise<ApplyResult> {
    const routes = events.map((e) => this.projection.route(e));
    const ids = [...new Set(routes.flat())];
    if (ids.length === 0) return { applied: 0, skipped: events.length, written: 0 };
    try {
      const { result, written, groups } = await this.fold(events, routes, ids, firstAttempt);
      for (const [id, doc] of written) this.written.remember(id, doc);
      for (const [key, docs] of groups) this.groups.remember(key, docs);
      return result;
    } catch (err) {
      // Whatever part of the bulk write landed, these documents and every summary group are read again.
      this.written.forget(ids);
      this.groups.clear();
      throw err;
    }
  }

  private async fold(
    events: readonly StoredEvent[],
    routes: readonly (readonly string[])[],
    ids: readonly string[],
    firstAttempt: boolean,
  ): Promise<{
    result: ApplyResult;
    written: Map<string, ReadModelDocument<TDoc>>;
    groups: ReadonlyMap<string, readonly SummaryDocument[]>;
  }> {
    const { projection } = this;
    const coll = this.collection as unknown as Collection<Document>;
    const fresh = firstAttempt ? createdHere(events, routes) : new Set<string>();
    // One equality lookup per document rather than one `$in`: FerretDB pushes `_id` equality down to
    // its storage but evaluates `$in` in Go over the whole collection (docs/adr/0005). Rows this batch
    // creates are not looked up (see createdHere), nor those this store remembers writing.
    const existing = await Promise.all(
      ids.map((id): Promise<Document | null> => {
        const remembered = firstAttempt ? this.written.get(id) : undefined;
        if (remembered) return Promise.resolve(remembered);
        return fresh.has(id) ? Promise.resolve(null) : coll.findOne({ _id: id } as Document);
      }),
    );
    const before = new Map<string, ReadModelDocument<TDoc>>();
    for (const d of existing) if (d) before.set(String(d._id), d as unknown as ReadModelDocument<TDoc>);
    const after = new Map<string, ReadModelDocument<TDoc> | null>();
    let applied = 0;
    let skipped = 0;
    events.forEach((event, i) => {
      for (const id of routes[i] ?? []) {
        const current = after.has(id) ? after.get(id)! : (before.get(id) ?? null);
        const seen = current?._applied[event.streamId] ?? 0;
        if (seen >= event.version) {
          skipped += 1;
          continue;
        }
        const body = current ? stripMeta(current) : null;
        const next = projection.apply(body, event, id);
        if (next === null) {
          skipped += 1;
          continue;
        }
        applied += 1;
        after.set(id, {
          ...next,
          _id: id,
          _applied: { ...(current?._applied ?? {}), [event.streamId]: event.version },
          _rev: current?._rev ?? 0,
        });
      }
    });
    const ops: AnyBulkWriteOperation<Document>[] = [];
    // What the collection holds once the write succeeds: every routed document, changed or not.
    const written = new Map(before);
    for (const [id, doc] of after) {
      if (!doc) continue;
      const prev = before.get(id);
      const next = { ...doc, _rev: prev ? prev._rev + 1 : firstRevision() };
      written.set(id, next);
      ops.push(
        prev
          ? { replaceOne: { filter: { _id: id, _rev: prev._rev } as Document, replacement: next } }
          : { insertOne: { document: next as Document } },
      );
    }
    let groups: ReadonlyMap<string, readonly SummaryDocument[]> = new Map();
    if (projection.summaries) {
      // Every routed row, changed or not: a redelivered batch recomputes what a crash left behind.
      const changes = ids.map((id) => ({
        id,
        before: before.get(id) ?? null,
        after: after.get(id) ?? before.get(id) ?? null,
      }));
      // Summary groups this store remembers are not found again (summaries.ts says why that is safe).
      const summary = await summaryWrites(
        coll,
        projection.summaries,
        changes,
        firstAttempt ? this.groups : undefined,
      );
      ops.push(...summary.ops);
      groups = summary.groups;
    }
    if (ops.length === 0) return { result: { applied, skipped, written: 0 }, written, groups };
    if (projection.beforeWrite) {
      const changes: ProjectionChange<TDoc>[] = [];
      for (const [id, doc] of after) {
        const prev = before.get(id);
        if (doc) changes.push({ id, before: prev ? stripMeta(prev) : null, after: stripMeta(doc) });
      }
      await projection.beforeWrite(changes, this.db);
    }
    const result = await coll.bulkWrite(ops, { ordered: true });
    // Every replace matched its revision, or (a summary part's upsert, summaries.ts) inserted.
    const expectedReplaced = ops.filter((o) => 'replaceOne' in o).length;
    const expectedDeleted = ops.filter((o) => 'deleteOne' in o).length;
    if (
      result.matchedCount + result.upsertedCount !== expectedReplaced ||
      result.deletedCount !== expectedDeleted
    )
      throw new RevisionConflict();
    return { result: { applied, skipped, written: ops.length }, written, groups };
  }
}

/**
 * Rows this batch most likely creates: those whose first event here is the first event of the stream
 * named after them (`recommendation-<id>` creating row `<id>`). An import is tens of thousands of such
 * rows, and reading each before inserting it cost a lookup (~1 ms of FerretDB) per row for nothing.
 * Folding them from nothing is exactly what the read would have led to when they are new; when one
 * exists after all (a redelivered batch), its insert fails on the unique `_id`, and applyBatch retries
 * the batch reading every row. Summaries are recomputed from the stored rows on that retry, and
 * beforeWrite indexes are supersets readers check (projection.ts), so the failed attempt leaves nothing
 * wrong behind.
 */
const createdHere = (events: readonly StoredEvent[], routes: readonly (readonly string[])[]): Set<string> => {
  const firstSeen = new Set<string>();
  const fresh = new Set<string>();
  events.forEach((event, i) => {
    for (const id of routes[i] ?? []) {
      if (firstSeen.has(id)) continue;
      firstSeen.add(id);
      if (event.version === 1 && event.streamId.endsWith(`-${id}`)) fresh.add(id);
    }
  });
  return fresh;
};

const stripMeta = <TDoc extends object>(doc: ReadModelDocument<TDoc>): TDoc => {
  const {
    _id: _i,
    _applied: _a,
    _rev: _r,
    ...rest
  } = doc as ReadModelDocument<TDoc> & Record<string, unknown>;
  return rest as unknown as TDoc;
};
