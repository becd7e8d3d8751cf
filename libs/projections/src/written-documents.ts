/**
 * The read-model documents a store last read or wrote, with the revision they had then, so the next
 * batch touching them skips the lookup: on the write path of a staff update that lookup was one
 * command of ~14 per assessment, and a find is FerretDB's dearest operation (docs/benchmarks.md,
 * session 9). A remembered document is never trusted on its own: the batch's write is still guarded by
 * the revision remembered, so a document another writer changed meanwhile (another instance, a
 * rebuild's swap) fails that guard and the batch retries from a fresh read (MongoProjectionStore).
 * Bounded: least recently used first out.
 */
export class WrittenDocuments<TDoc> {
  private readonly docs = new Map<string, TDoc>();

  constructor(private readonly max: number) {}

  get(id: string): TDoc | undefined {
    const doc = this.docs.get(id);
    if (doc === undefined) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.docs.delete(id);
    this.docs.set(id, doc);
    return doc;
  }

  remember(id: string, doc: TDoc): void {
    this.docs.delete(id);
    this.docs.set(id, doc);
    while (this.docs.size > this.max) this.docs.delete(this.docs.keys().next().value!);
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.docs.delete(id);
  }

  clear(): void {
    this.docs.clear();
  }
}

/**
 * The revision a new document starts at: random rather than 1, so that a document deleted (a rebuild's
 * swap removes rows the replay did not produce) and created again by another writer cannot come back
 * under a revision a WrittenDocuments still holds for its old content.
 */
export const firstRevision = (): number => 1 + Math.floor(Math.random() * 2 ** 30);
