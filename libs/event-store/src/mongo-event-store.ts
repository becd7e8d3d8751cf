import type { Collection, Db } from 'mongodb';
import { GENESIS_HASH, type StoredEvent } from '@tracker/contracts';
import { DUPLICATE_KEY, isDuplicateKey, isFerretDb, writeErrorsOf } from '@tracker/ferretdb';
import { v7 as uuidv7 } from 'uuid';
import { AppendedEvents } from './appended-events';
import { ChainVerifier } from './audit/chain-verifier';
import {
  auditIndexFields,
  dayOf,
  eventsOf,
  pendingOf,
  PENDING_SLOTS,
  type FirstDayDocument,
  positionFields,
  type CommitDocument,
  type HeadDocument,
  type PositionClaim,
  STORE_LAYOUT,
} from './commit-document';
import { ConcurrencyError } from './errors';
import type {
  AppendManyOutcome,
  AppendRequest,
  AppendResult,
  EventStore,
  HashBreak,
  ReadStreamOptions,
  RecordedEvent,
} from './event-store.port';
import {
  committedRequestsOf,
  type CommittedRequest,
  requestKey,
  withRequestFields,
} from './idempotent-request';
import {
  type BatchClaim,
  isBatchClaim,
  positionedCommitId,
  uncoveredPositions,
  voidCommit,
} from './reserved-positions';
import {
  firstDayCollection,
  headCollectionName,
  readPositioned,
  visibleHeadPosition,
} from './positioned-reads';
import { sealCommit } from './stream-chain';
import { bringToCurrentLayout, ensureStoreIndexes } from './store-layout';

/** Parallel per-stream reads in readStreams: enough to hide round trips, well under the pool size. */
const READ_STREAMS_CONCURRENCY = 16;

/** Position updates are sent as up to this many bulk writes at once (applyClaims)... */
const APPLY_PARALLELISM = 4;
/** ...of at least this many updates each: a small batch stays one command. */
const APPLY_CHUNK_MIN = 64;

/**
 * How long a batch's claim may stay unfilled before the relay voids what is missing: far longer than an
 * insertMany takes, even on a loaded machine; reached only when the appender died (reserved-positions.ts).
 */
export const VOID_UNFILLED_CLAIMS_AFTER_MS = 30_000;
/**
 * The same for a claim of a few positions (a staff command's commit): its insert is one small document,
 * and every commit after it waits for the head, so an appender that died there holds publishing up for
 * this long only. An insert slower than this fails on its voided `_id` and its command decides again.
 */
export const VOID_UNFILLED_SMALL_CLAIMS_AFTER_MS = 5_000;
/** Claims of up to this many positions are small. */
const SMALL_CLAIM = 16;

/**
 * While this instance's own claims keep the head moving, an exclusive round looks for pending commits
 * and other instances' claims at least this often (assignPositions); an idle relay's poll looks anyway.
 */
export const LOOK_INTERVAL_MS = 1_000;

/**
 * Event store on any MongoDB-wire server (MongoDB 7, FerretDB 1.24; docs/adr/0004). Uses only what both do
 * alike (libs/ferretdb/src/README.md): single-document inserts, unique indexes, insertMany and bulkWrite.
 */
export class MongoEventStore implements EventStore {
  readonly commits: Collection<CommitDocument>;
  readonly positions: Collection<PositionClaim>;
  private readonly head: Collection<HeadDocument>;
  /** The same collection as `head`, holding the first-day document beside the applied head. */
  private readonly firstDay: Collection<FirstDayDocument>;
  /** The first day as this instance last wrote or read it: only an earlier commit writes it again. */
  private knownFirstDay: string | null = null;
  /**
   * The events this instance positioned last, as it had them in hand: the relay publishes them right
   * after positioning them, and on FerretDB reading them back costs as much as positioning them did.
   */
  private positionedLast: StoredEvent[] = [];
  /** The same for the commits this instance's appendMany positioned itself, and the claims they filled. */
  private readonly appended = new AppendedEvents();
  /**
   * The applied head as this instance's last assignPositions call left it, every claim up to it applied;
   * null after a call that did not complete. Trusted only when the caller says no other relay positioned
   * since (`exclusive`): then a round needs no head document; appenders' batch claims, which land right
   * after it, are found by a look when nothing else is pending and by a collision otherwise.
   */
  private settledHead: number | null = null;
  /** Whether the last look for pending commits found a full batch, and the slot to read next then. */
  private backlog = false;
  private nextSlot = 0;
  /** Where this instance's last batch claim ended: the claim chain goes on from there (reservePositions). */
  private reservedUpTo: number | null = null;
  /** The claim this instance is making: the next one waits for it (reservePositions). */
  private claiming: Promise<unknown> = Promise.resolve();
  /** Claims asked for and not yet made. */
  private claimsUnderWay = 0;
  /** This instance stored a pending commit since the relay last looked for them. */
  private pendingHere = false;
  /** When an exclusive round last looked for pending commits and others' claims (Date.now()). */
  private lookedAt = 0;

  constructor(
    db: Db,
    private readonly clock: () => Date = () => new Date(),
    collectionName = 'events',
  ) {
    this.commits = db.collection<CommitDocument>(collectionName);
    this.positions = db.collection<PositionClaim>(`${collectionName}.positions`);
    this.head = db.collection<HeadDocument>(headCollectionName(this.commits));
    this.firstDay = firstDayCollection(this.commits);
  }

  async init(): Promise<void> {
    await ensureStoreIndexes(this.commits, this.positions);
    const head = await this.head.findOne({ _id: 'applied' });
    this.knownFirstDay = (await this.firstDay.findOne({ _id: 'first-day' }))?.day ?? null;
    if (head && (head.layout ?? 1) >= STORE_LAYOUT) return;
    await bringToCurrentLayout(this.commits, head !== null, {
      noteFirstDay: (recordedAt) => this.noteFirstDay(recordedAt),
      settleHead: async () => this.advanceHead(await this.scannedHead()),
    });
    await this.head.updateOne({ _id: 'applied' }, { $set: { layout: STORE_LAYOUT } });
  }

  /**
   * Called before commits recorded at these instants are inserted: lowers the first day when one of
   * them is earlier than what this instance knows (once in a store's life, bar clocks set back).
   */
  private async noteFirstDay(recordedAt: readonly Date[]): Promise<void> {
    const earliest = recordedAt.map(dayOf).reduce((a, b) => (b < a ? b : a));
    if (this.knownFirstDay !== null && this.knownFirstDay <= earliest) return;
    const lower = () =>
      this.firstDay.updateOne({ _id: 'first-day' }, { $min: { day: earliest } }, { upsert: true });
    try {
      await lower();
    } catch (err) {
      // Two first appends raced to create the document: it exists now, so the update matches it.
      if (!isDuplicateKey(err)) throw err;
      await lower();
    }
    this.knownFirstDay = earliest;
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    if (request.events.length === 0) return { nextExpectedVersion: request.expectedVersion, events: [] };
    // Positioned as it is stored, under its own claim, so the relay only moves the head over it: unless
    // another claim of this instance is under way. Claims are made one at a time, and under many
    // concurrent appends waiting for the claim costs more than the relay's batched positioning, which
    // takes every pending commit of a round under one insert (bench e2e at 50 connections, session 9).
    if (request.predecessorPositioned === true && this.claimsUnderWay === 0) {
      const [outcome] = await this.storeCommits([request]);
      if (!outcome!.ok) throw outcome!.error;
      return outcome!.result;
    }
    const prevHash = request.prevHash ?? (await this.headHash(request.streamId, request.expectedVersion));
    const recordedAt = this.clock();
    const records = sealCommit(request, prevHash, recordedAt, uuidv7);
    const last = records[records.length - 1]!;
    const doc: CommitDocument = {
      _id: uuidv7(),
      streamId: request.streamId,
      version: request.expectedVersion + 1,
      lastVersion: last.version,
      recordedAt,
      pending: pendingOf(request.streamId),
      ...withRequestFields(auditIndexFields(records, recordedAt), request.metadata),
      events: records,
    };
    await this.noteFirstDay([recordedAt]);
    try {
      await this.commits.insertOne(doc);
      // After the insert: a round that looked before it must not be the one that clears this.
      this.pendingHere = true;
    } catch (err) {
      if (isDuplicateKey(err)) {
        throw new ConcurrencyError(
          request.streamId,
          request.expectedVersion,
          await this.streamVersion(request.streamId),
        );
      }
      throw err;
    }
    return { nextExpectedVersion: last.version, events: records.map((r) => ({ ...r, position: null })) };
  }

  /**
   * One unordered insertMany for many commits: each commit is still one document (atomic on its own);
   * a duplicate (streamId, version) refuses only that request, reported as a ConcurrencyError.
   */
  async appendMany(requests: readonly AppendRequest[]): Promise<AppendManyOutcome[]> {
    return this.storeCommits(requests);
  }

  private async storeCommits(requests: readonly AppendRequest[]): Promise<AppendManyOutcome[]> {
    const outcomes: (AppendManyOutcome | null)[] = requests.map(() => null);
    const docs: CommitDocument[] = [];
    /** Per doc: whether it takes its positions now (its stream is new, or its predecessor has them). */
    const positionable: boolean[] = [];
    const owners: number[] = [];
    for (const [i, request] of requests.entries()) {
      if (request.events.length === 0) {
        outcomes[i] = { ok: true, result: { nextExpectedVersion: request.expectedVersion, events: [] } };
        continue;
      }
      let prevHash: string;
      try {
        prevHash = request.prevHash ?? (await this.headHash(request.streamId, request.expectedVersion));
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
        outcomes[i] = { ok: false, error: err };
        continue;
      }
      const recordedAt = this.clock();
      const records = sealCommit(request, prevHash, recordedAt, uuidv7);
      const last = records[records.length - 1]!;
      docs.push({
        _id: uuidv7(),
        streamId: request.streamId,
        version: request.expectedVersion + 1,
        lastVersion: last.version,
        recordedAt,
        pending: pendingOf(request.streamId),
        ...withRequestFields(auditIndexFields(records, recordedAt), request.metadata),
        events: records,
      });
      positionable.push(request.expectedVersion === 0 || request.predecessorPositioned === true);
      owners.push(i);
      outcomes[i] = {
        ok: true,
        result: { nextExpectedVersion: last.version, events: records.map((r) => ({ ...r, position: null })) },
      };
    }
    if (docs.length > 0) {
      const failed = new Set<number>();
      await this.noteFirstDay(docs.map((d) => d.recordedAt));
      const { docs: inserted, claim } = await this.positionAtAppend(docs, positionable);
      try {
        await this.commits.insertMany(inserted, { ordered: false });
      } catch (err) {
        const writeErrors = writeErrorsOf(err);
        if (!writeErrors || writeErrors.some((w) => w.code !== DUPLICATE_KEY)) throw err;
        for (const w of writeErrors) failed.add(w.index);
      }
      if (inserted.some((d, k) => d.position === undefined && !failed.has(k))) this.pendingHere = true;
      if (claim !== null) {
        await this.markUnfilled(
          claim.first,
          [...failed].map((d) => inserted[d]!),
        );
        this.appended.remember(
          claim.first,
          claim.count,
          inserted.filter((_, d) => !failed.has(d)),
        );
      }
      for (const d of failed) {
        const i = owners[d]!;
        const request = requests[i]!;
        outcomes[i] = {
          ok: false,
          error: new ConcurrencyError(
            request.streamId,
            request.expectedVersion,
            await this.streamVersion(request.streamId),
          ),
        };
      }
    }
    return outcomes.map((o) => o!);
  }

  /**
   * The commits of new streams, and those whose predecessor the writer saw positioned, take their
   * positions now, under one claim for the batch (reserved-positions.ts): their predecessors hold lower
   * positions already, so each stream's order holds, and the relay needs no update per commit. The
   * others stay pending, positioned by the relay after their predecessors.
   */
  private async positionAtAppend(
    docs: readonly CommitDocument[],
    positionable: readonly boolean[],
  ): Promise<{ docs: CommitDocument[]; claim: { first: number; count: number } | null }> {
    const count = docs.reduce((n, d, i) => n + (positionable[i] ? d.events.length : 0), 0);
    if (count === 0) return { docs: [...docs], claim: null };
    const claim = await this.reservePositions(count);
    let next = claim;
    const positioned = docs.map((d, i) => {
      if (!positionable[i]) return d;
      const { pending: _pending, ...rest } = d;
      const first = next;
      next += d.events.length;
      return { ...rest, _id: positionedCommitId(first), ...positionFields(first, next - 1) };
    });
    return { docs: positioned, claim: { first: claim, count } };
  }

  /**
   * Claims the next `count` positions for a batch; returns the first. One claim at a time per instance:
   * concurrent appends that all tried the same start collided, and each loser walked the chain and
   * collided again (`bench -- e2e` at 50 connections: 59 → 20 updates/s, session 9); in turn, each
   * starts where the previous one ended.
   */
  private reservePositions(count: number): Promise<number> {
    this.claimsUnderWay += 1;
    const claimed = this.claiming.then(() => this.claimNext(count));
    this.claiming = claimed.catch(() => undefined).finally(() => (this.claimsUnderWay -= 1));
    return claimed;
  }

  private async claimNext(count: number): Promise<number> {
    // Claims run contiguously from position 1, each starting where the chain ended, so where no claim
    // starts none lies beyond: the claim is tried right after this instance's last one (or the head),
    // and the chain is followed, by `_id` lookups, only when someone claimed there first.
    // The relay's settled head, when this instance runs it, may be further on: the chain is claimed there.
    let at =
      this.reservedUpTo === null
        ? (await this.appliedPosition()) + 1
        : Math.max(this.reservedUpTo, (this.settledHead ?? 0) + 1);
    for (;;) {
      const claim: BatchClaim = {
        _id: at,
        commitId: `batch:${uuidv7()}`,
        count,
        batch: true,
        claimedAt: this.clock(),
      };
      try {
        await this.positions.insertOne(claim);
        this.reservedUpTo = at + count;
        return at;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        for (let taken = await this.positions.findOne({ _id: at }); taken;) {
          at = taken._id + taken.count;
          taken = await this.positions.findOne({ _id: at });
        }
      }
    }
  }

  /**
   * The positions of commits the batch could not store (their streams exist) stay empty: the claim says
   * so, in one update, and the relay counts them as held. Nothing can land there later (this appender
   * knows its insert failed), so no void commit is needed: a re-import that finds its rows by trying to
   * create them leaves no document behind.
   */
  private async markUnfilled(claim: number, unstored: readonly CommitDocument[]): Promise<void> {
    const unfilled = unstored
      .filter((d) => d.position !== undefined)
      .map((d) => ({ first: d.position!, last: d.lastPosition! }));
    if (unfilled.length > 0)
      await this.positions.updateOne({ _id: claim }, { $set: { unfilled } as Partial<BatchClaim> });
  }

  private async insertVoids(voids: readonly CommitDocument[]): Promise<void> {
    if (voids.length === 0) return;
    try {
      await this.commits.insertMany(voids, { ordered: false });
    } catch (err) {
      // A void already there (the relay and the appender both voiding) is the same void.
      const writeErrors = writeErrorsOf(err);
      if (!writeErrors || writeErrors.some((w) => w.code !== DUPLICATE_KEY)) throw err;
    }
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const out = new Map<string, RecordedEvent[]>();
    if (streamIds.length === 0) return out;
    // One equality query per stream, a few at a time, rather than one `$in`: FerretDB evaluates `$in` in
    // Go over the whole collection (ADR 0005), which made a re-import of 20,000 rows scan the store once
    // per batch. Equality on streamId uses the unique (streamId, version) index on both servers.
    const unique = [...new Set(streamIds)];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < unique.length) {
        const streamId = unique[next++]!;
        const commits = await this.commits.find({ streamId }).toArray();
        if (commits.length === 0) continue;
        commits.sort((x, y) => x.version - y.version);
        out.set(streamId, commits.flatMap(eventsOf));
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_STREAMS_CONCURRENCY, unique.length) }, worker));
    return out;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const filter = options.recordedUntil
      ? { streamId, recordedAt: { $lte: options.recordedUntil } }
      : { streamId };
    // Ordered here, not by the server: FerretDB 1.24 sorts in Go after reading (12 % of its CPU under
    // the staff load, docs/benchmarks.md session 8); a stream is a handful of commits.
    const commits = await this.commits.find(filter).toArray();
    return commits.sort((a, b) => a.version - b.version).flatMap(eventsOf);
  }

  async readAll(after: number, limit: number): Promise<StoredEvent[]> {
    // What this instance just positioned, when the read starts exactly there: the same events a read
    // would return (positioned commits never change), up to the head as this instance last saw it.
    if (this.positionedLast[0]?.position === after + 1) return this.positionedLast.slice(0, limit);
    // Positions above the head may be applied out of order (applyClaims): never read past it.
    const head = await visibleHeadPosition(this.commits);
    const held = this.appended.take(after, Math.min(head, after + limit));
    if (held) return held;
    // A range of void positions has no events (reserved-positions.ts): read on, up to the head.
    for (let from = after; from < head; from += limit) {
      const events = await readPositioned(this.commits, from, Math.min(limit, head - from));
      if (events.length > 0) return events;
    }
    return [];
  }

  /**
   * Positions are claimed in a separate collection keyed by position (unique `_id`, unique commitId),
   * then copied onto the commits in position order. Two relays racing cannot hand out a position twice
   * or give a commit two positions. Claims are always applied in ascending order, claims left dangling
   * by a crashed relay first, so a position is visible only once every lower one is: a reader that
   * follows positions never skips a commit, however late it landed.
   */
  async assignPositions(batchSize: number, options: { exclusive?: boolean } = {}): Promise<number> {
    this.positionedLast = [];
    const settled = options.exclusive === true ? this.settledHead : null;
    // Cleared until this call completes: a call that fails part-way leaves the next one to look again.
    this.settledHead = null;
    if (settled !== null) {
      // The claims this instance filled, right after the head: applied from memory, no read.
      const own = this.appended.filledFrom(settled + 1);
      if (own.length > 0) return this.applyOwnClaims(settled, own);
      // Nothing of its own waits and it looked a moment ago: what others append is found by the next
      // look (at least every LOOK_INTERVAL_MS while busy, at each poll when idle).
      if (!this.pendingHere && this.clock().getTime() - this.lookedAt < LOOK_INTERVAL_MS) {
        this.settledHead = settled;
        return 0;
      }
    }
    this.lookedAt = this.clock().getTime();
    const applied = settled ?? (await this.appliedPosition());
    if (settled === null) {
      const dangling = await this.claimsAfter(applied, batchSize);
      if (dangling.length > 0) return this.applyClaims(dangling);
    }

    // Cleared as the look starts: a commit stored during it sets it again (after its insert).
    this.pendingHere = false;
    const pending = await this.claimable(batchSize);
    // More may wait behind these (a backlog, or a claim in the way): the next round looks again at once.
    if (pending.length > 0) this.pendingHere = true;
    if (pending.length === 0) {
      // An appender's batch claim (reservePositions) starts right after the head, from any instance,
      // without the relay's lease: an exclusive round with nothing of its own to position looks for one
      // (one find by `_id`). One with pending commits finds it by colliding with it (below).
      if (settled !== null) {
        const batch = await this.claimsAfter(applied, batchSize);
        if (batch.length > 0) return this.applyClaims(batch);
      }
      this.settledHead = applied;
      return 0;
    }
    let next = applied + 1;
    const claims: PositionClaim[] = pending.map((c) => {
      const count = c.lastVersion - c.version + 1;
      const claim = { _id: next, commitId: c._id, count };
      next += count;
      return claim;
    });
    try {
      await this.positions.insertMany(claims, { ordered: true });
    } catch (err) {
      // Another relay is claiming the same commits; whatever prefix we did claim is applied next call.
      // In an exclusive round the claim in the way is an appender's batch claim: look again at once,
      // reading the head and the claims after it, rather than leave both to the next poll.
      if (isDuplicateKey(err)) return settled !== null ? this.assignPositions(batchSize) : 0;
      throw err;
    }
    const count = await this.applyClaims(claims);
    const last = claims[claims.length - 1]!;
    this.settledHead = last._id + last.count - 1;
    this.positionedLast = pending.flatMap((c, i) => {
      const claim = claims[i]!;
      return eventsOf({ ...c, ...positionFields(claim._id, claim._id + claim.count - 1) }) as StoredEvent[];
    });
    return count;
  }

  /**
   * Moves the head over claims this instance filled, from `applied + 1` on without a gap: every position
   * in them is held or given up (AppendedEvents), and their events are in hand for the relay.
   */
  private async applyOwnClaims(
    applied: number,
    claims: readonly { readonly first: number; readonly count: number }[],
  ): Promise<number> {
    const last = claims[claims.length - 1]!;
    const head = last.first + last.count - 1;
    await this.advanceHead(head);
    this.settledHead = head;
    this.positionedLast = this.appended.take(applied, head) ?? [];
    return head - applied;
  }

  /**
   * Up to `max` unpositioned commits that may take the next positions. Fetched without a sort (a sort
   * would make FerretDB scan and order every pending commit, O(backlog) per round); so that a stream's
   * commits still get positions in version order, a commit is claimable only if it is its stream's
   * first or its predecessor is positioned or claimed before it in this batch. Whole documents: FerretDB
   * decodes them whole anyway, and the relay publishes their events next (positionedLast).
   */
  private async claimable(max: number, unlimited = false): Promise<CommitDocument[]> {
    const { found, complete: fetchedAll } = unlimited
      ? { found: await this.commits.find({ pending: true }).toArray(), complete: true }
      : await this.pendingBatch(max);
    // Every pending commit in hand, read in one snapshot: then a stream's earliest one here has no
    // pending predecessor (a writer appends only after reading its predecessor, so that one was stored,
    // and pending, before), and claims are applied before new ones are made (assignPositions), so the
    // predecessor is positioned and needs no lookup. FerretDB answers a find with one SQL statement, one
    // snapshot; a MongoDB cursor may yield mid-scan and see a commit but not its predecessor, so there
    // the lookup stays.
    const complete = fetchedAll && (await isFerretDb(this.commits.db));
    const byStream = new Map<string, typeof found>();
    for (const c of found) {
      if (c.position !== undefined) continue;
      const list = byStream.get(c.streamId) ?? [];
      list.push(c);
      byStream.set(c.streamId, list);
    }
    const chains: (typeof found)[] = [];
    for (const [streamId, commits] of byStream) {
      commits.sort((x, y) => x.version - y.version);
      let expected = commits[0]!.version;
      if (expected > 1 && !complete) {
        const before = await this.commits.findOne(
          { streamId, lastVersion: expected - 1 },
          { projection: { position: 1 } },
        );
        if (before?.position === undefined) continue; // its predecessor is pending too: a later round
      }
      const chain: typeof found = [];
      for (const c of commits) {
        if (c.version !== expected) break;
        chain.push(c);
        expected = c.lastVersion + 1;
      }
      chains.push(chain);
    }
    // A limited fetch can in principle hold only commits whose predecessors it missed: then look at all.
    if (chains.length === 0 && found.length > 0 && !unlimited) return this.claimable(max, true);
    // Streams oldest first; each stream's commits stay together, in version order (ids from different
    // instances need not be ordered like versions).
    chains.sort((x, y) => (x[0]!._id < y[0]!._id ? -1 : x[0]!._id > y[0]!._id ? 1 : 0));
    return chains.flat().slice(0, max);
  }

  /**
   * Pending commits for the next claim, and whether they are every pending commit there is. While a
   * backlog lasts (the last look found a full batch), a whole slot a round, in turn; not vouched
   * complete (a commit written before slots, of the same stream, would not be in any slot), so a
   * stream past version 1 gets its predecessor looked up. Otherwise (and when every slot is empty) the
   * first `max` of all of them: complete when fewer came.
   */
  private async pendingBatch(max: number): Promise<{ found: CommitDocument[]; complete: boolean }> {
    if (this.backlog) {
      for (let i = 0; i < PENDING_SLOTS; i += 1) {
        const slot = (this.nextSlot + i) % PENDING_SLOTS;
        const found = await this.commits.find({ pending: slot }).toArray();
        if (found.length === 0) continue;
        this.nextSlot = (slot + 1) % PENDING_SLOTS;
        // A slot that no longer fills a batch: the next round looks at all of them again.
        this.backlog = found.length >= max;
        return { found, complete: false };
      }
    }
    const found = await this.commits.find({ pending: true }, { limit: max }).toArray();
    this.backlog = found.length >= max;
    return { found, complete: found.length < max };
  }

  async headPosition(): Promise<number> {
    return this.appliedPosition();
  }

  /**
   * Claims are inserted from `applied + 1` on, so claims a crashed relay left unapplied (or applied but
   * not yet counted in the head) form a chain starting there: follow it by `_id` lookups.
   */
  private async claimsAfter(applied: number, max: number): Promise<PositionClaim[]> {
    const chain: PositionClaim[] = [];
    for (let at = applied + 1; chain.length < max;) {
      const claim = await this.positions.findOne({ _id: at });
      if (!claim) break;
      chain.push(claim);
      at = claim._id + claim.count;
    }
    return chain;
  }

  private async appliedPosition(): Promise<number> {
    const head = await this.head.findOne({ _id: 'applied' });
    return head ? head.position : this.scannedHead();
  }

  /** The head by scanning, for stores that have no head document yet (see init). */
  private async scannedHead(): Promise<number> {
    const ends = await this.commits
      .find({ position: { $exists: true } }, { projection: { lastPosition: 1 } })
      .toArray();
    return ends.reduce((max, c) => Math.max(max, c.lastPosition ?? 0), 0);
  }

  private async advanceHead(position: number): Promise<void> {
    const advance = () => this.head.updateOne({ _id: 'applied' }, { $max: { position } }, { upsert: true });
    try {
      await advance();
    } catch (err) {
      // Two instances initialising an empty store raced to create the document: it exists now.
      if (!isDuplicateKey(err)) throw err;
      await advance();
    }
  }

  private async applyClaims(all: readonly PositionClaim[]): Promise<number> {
    // A batch's claim is applied once every position in it is held (its commits came positioned); the
    // head never passes one still open, so the claims after it wait for a later round.
    let ready = all.length;
    for (const [i, claim] of all.entries()) {
      if (isBatchClaim(claim) && !(await this.settleBatchClaim(claim))) {
        ready = i;
        break;
      }
    }
    const claims = all.slice(0, ready);
    if (claims.length === 0) return 0;
    const updates = claims.filter((cl) => !isBatchClaim(cl));
    // A few bulk writes side by side: FerretDB runs each update as its own PostgreSQL transaction, one
    // after another within a command, so parallel commands overlap their commits. Order among them does
    // not matter: readers see positions only up to the head (readAll, visibleHeadPosition), and the
    // head moves only once every one of these is applied.
    const size = Math.max(APPLY_CHUNK_MIN, Math.ceil(updates.length / APPLY_PARALLELISM));
    const chunks: PositionClaim[][] = [];
    for (let i = 0; i < updates.length; i += size) chunks.push(updates.slice(i, i + size));
    await Promise.all(
      chunks.map((chunk) =>
        this.commits.bulkWrite(
          chunk.map((cl) => ({
            updateOne: {
              filter: { _id: cl.commitId, position: { $exists: false } },
              update: {
                $set: positionFields(cl._id, cl._id + cl.count - 1),
                $unset: { pending: '' },
              },
            },
          })),
          { ordered: false },
        ),
      ),
    );
    // Only after the commits carry their positions: the head never runs ahead of what readers can see.
    const last = claims[claims.length - 1]!;
    await this.advanceHead(last._id + last.count - 1);
    // Every claim from the head read at the call's start up to here is applied: a settled head.
    this.settledHead = last._id + last.count - 1;
    return claims.reduce((n, cl) => n + cl.count, 0);
  }

  /**
   * Whether every position of a batch's claim is held by a commit. One its appender has left unfilled
   * for VOID_UNFILLED_CLAIMS_AFTER_MS (it died between claiming and inserting) is filled with void
   * commits, one per position, so that a commit of that batch arriving after all fails on its `_id`.
   */
  private async settleBatchClaim(claim: BatchClaim): Promise<boolean> {
    // This instance filled it: on FerretDB the look below decodes every commit of the batch again.
    if (this.appended.filledHere(claim._id)) return true;
    const missing = await uncoveredPositions(this.commits, claim);
    if (missing.length === 0) return true;
    const now = this.clock();
    const grace =
      claim.count <= SMALL_CLAIM ? VOID_UNFILLED_SMALL_CLAIMS_AFTER_MS : VOID_UNFILLED_CLAIMS_AFTER_MS;
    if (now.getTime() - new Date(claim.claimedAt).getTime() < grace) return false;
    await this.insertVoids(missing.map((q) => voidCommit(q, q, now)));
    return (await uncoveredPositions(this.commits, claim)).length === 0;
  }

  async verify(
    options: { streamId?: string } = {},
  ): Promise<{ streams: number; events: number; breaks: HashBreak[] }> {
    const { streams, events, breaks } = await new ChainVerifier(this.commits).verify(options);
    return { streams, events, breaks: breaks.map(({ position: _position, ...hashBreak }) => hashBreak) };
  }

  /** One equality on the indexed `keys` (GIN on FerretDB, libs/ferretdb/src/README.md), no scan. */
  async committedFor(key: string): Promise<CommittedRequest[]> {
    const found = await this.commits
      .find(
        { keys: requestKey(key) },
        { projection: { streamId: 1, version: 1, lastVersion: 1, recordedAt: 1, request: 1 } },
      )
      .toArray();
    return committedRequestsOf(found, key);
  }

  private async streamVersion(streamId: string): Promise<number> {
    const last = await this.commits.findOne(
      { streamId },
      { sort: { version: -1 }, projection: { lastVersion: 1 } },
    );
    return last ? last.lastVersion : 0;
  }

  private async headHash(streamId: string, expectedVersion: number): Promise<string> {
    if (expectedVersion === 0) return GENESIS_HASH;
    // findOne, not find().limit(1).next(): an unclosed cursor pins a server connection on FerretDB.
    const last = await this.commits.findOne({ streamId }, { sort: { version: -1 } });
    const actual = last ? last.lastVersion : 0;
    if (!last || actual !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, actual);
    return last.events[last.events.length - 1]!.hash;
  }
}
