import { BSON } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import { eventsOf, type CommitDocument } from './commit-document';

/**
 * The events this instance positioned as it appended them (appendMany's batch claims), by position, so
 * that the relay publishes them without reading them back: on FerretDB reading a commit costs about what
 * inserting it did (an import of 19,889 rows made the relay read every commit again: ~6 s of FerretDB
 * CPU, bench/scale). Each commit is held as the BSON the server would store (the driver stores
 * `undefined` as null), off the JS heap, and decoded when taken: Kafka gets the same bytes either way.
 *
 * It also knows the batch claims those commits filled, so the relay settles them without reading the
 * commits back (settleBatchClaim). Bounded (`maxBytes`), forgotten once the relay has passed them, and
 * all forgotten when nothing was taken for `ttlMs` (the relay's lease is on another instance, or it
 * stopped).
 */
export class AppendedEvents {
  /** Each held commit by its first position. */
  private readonly byPosition = new Map<number, { last: number; bson: Uint8Array }>();
  private bytes = 0;
  /**
   * The batch claims this instance filled (every position inserted or listed unfilled): first position
   * → how many positions.
   */
  private readonly filled = new Map<number, number>();
  /** When the relay last took events, or the first of those held was remembered. */
  private touched = 0;

  constructor(
    private readonly maxBytes = 16 * 2 ** 20,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.byPosition.size;
  }

  /**
   * Holds these stored, positioned commits (others are ignored), as room allows, and notes that they
   * filled the batch claim of `count` positions starting at `claim`.
   */
  remember(claim: number, count: number, commits: readonly CommitDocument[]): void {
    const at = this.now();
    if ((this.byPosition.size > 0 || this.filled.size > 0) && at - this.touched > this.ttlMs) {
      this.forget(Infinity);
      this.filled.clear();
    }
    if (this.byPosition.size === 0 && this.filled.size === 0) this.touched = at;
    this.filled.set(claim, count);
    for (const commit of commits) {
      if (commit.position === undefined || commit.lastPosition === undefined) continue;
      const bson = BSON.serialize(commit, { ignoreUndefined: false });
      if (this.bytes + bson.length > this.maxBytes) return;
      this.byPosition.set(commit.position, { last: commit.lastPosition, bson });
      this.bytes += bson.length;
    }
  }

  /** Whether this instance filled the batch claim starting at `claim`; asked once (then forgotten). */
  filledHere(claim: number): boolean {
    return this.filled.delete(claim);
  }

  /**
   * The claims this instance filled that run on without a gap from position `from` (each forgotten as
   * it is handed out): the relay moves the head over them with no read at all.
   */
  filledFrom(from: number): { readonly first: number; readonly count: number }[] {
    const chain: { first: number; count: number }[] = [];
    for (let at = from, count = this.filled.get(at); count !== undefined; count = this.filled.get(at)) {
      this.filled.delete(at);
      chain.push({ first: at, count });
      at += count;
    }
    return chain;
  }

  /**
   * The events at positions (after, upTo] when every one of them is held (null otherwise: a position
   * another instance filled, or one left empty, is read from the store). Forgets those up to `after`:
   * the relay has published them.
   */
  take(after: number, upTo: number): StoredEvent[] | null {
    if (this.byPosition.size === 0) return null;
    this.forget(after);
    if (upTo <= after) return null;
    const out: StoredEvent[] = [];
    for (let p = after + 1; p <= upTo;) {
      const held = this.byPosition.get(p);
      if (!held) return null;
      const commit = BSON.deserialize(held.bson) as CommitDocument;
      for (const e of eventsOf(commit)) if (e.position! <= upTo) out.push(e as StoredEvent);
      p = held.last + 1;
    }
    this.touched = this.now();
    return out;
  }

  /** Drops the commits whose events all lie at or before `after`. */
  private forget(after: number): void {
    // Concurrent appends may remember out of position order: look at every one.
    for (const [first, held] of this.byPosition)
      if (held.last <= after) {
        this.byPosition.delete(first);
        this.bytes -= held.bson.length;
      }
  }
}
