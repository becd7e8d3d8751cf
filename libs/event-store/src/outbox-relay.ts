import type { Collection, Db } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import type { EventStore } from './event-store.port';
import { isDuplicateKey } from '@tracker/ferretdb';

/** Where the relay sends events; implemented over Kafka in libs/messaging. Resolves only after the broker's ack. */
export interface EventPublisher {
  publish(events: readonly StoredEvent[]): Promise<void>;
}

interface LeaseDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
}

interface CheckpointDocument {
  _id: string;
  position: number;
  updatedAt: Date;
}

/**
 * How often a busy relay stores its checkpoint (ms); in between it is kept in memory, and an idle relay
 * stores it once this much time has passed since the last write. A crash republishes at most this
 * much (consumers absorb it by (streamId, version), as a crash between publish and write always did);
 * it saves one update per staff commit under a steady trickle (docs/benchmarks.md, session 10).
 */
export const CHECKPOINT_INTERVAL_MS = 1_000;

/** What `MongoLease.hold` found: still ours (no other holder since), newly ours, or another's. */
export type LeaseState = 'kept' | 'acquired' | 'lost';

/**
 * A time-bound lease in MongoDB: at most one relay per service publishes at a time. The holder renews
 * it only once half its time is gone, with an update by `_id` and owner (both equalities: FerretDB
 * pushes them down, ADR 0005); taking over a free or expired lease is the rare path.
 */
export class MongoLease {
  private readonly leases: Collection<LeaseDocument>;
  /** Until when (this process's clock) the lease is ours; 0 when it is not. */
  private heldUntil = 0;

  constructor(
    db: Db,
    private readonly name: string,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {
    this.leases = db.collection<LeaseDocument>('leases');
  }

  /**
   * Makes sure the lease is ours for at least half its time. `kept`: it has been ours without a break
   * since the last call, so nobody else has published meanwhile; `acquired`: it is ours again, but
   * another holder may have worked in between.
   */
  async hold(now = Date.now()): Promise<LeaseState> {
    if (this.heldUntil - now > this.ttlMs / 2) return 'kept';
    const expiresAt = new Date(now + this.ttlMs);
    if (this.heldUntil > now) {
      const renewed = await this.leases.updateOne(
        { _id: this.name, owner: this.owner },
        { $set: { expiresAt } },
      );
      if (renewed.matchedCount === 1) {
        this.heldUntil = expiresAt.getTime();
        return 'kept';
      }
    }
    this.heldUntil = 0;
    if (!(await this.acquire(new Date(now)))) return 'lost';
    this.heldUntil = expiresAt.getTime();
    return 'acquired';
  }

  /** Takes the lease if it is free, expired or already ours. */
  async acquire(now = new Date()): Promise<boolean> {
    try {
      const doc = await this.leases.findOneAndUpdate(
        { _id: this.name, $or: [{ owner: this.owner }, { expiresAt: { $lt: now } }] },
        { $set: { owner: this.owner, expiresAt: new Date(now.getTime() + this.ttlMs) } },
        { upsert: true, returnDocument: 'after' },
      );
      return doc?.owner === this.owner;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.leases.deleteOne({ _id: this.name, owner: this.owner });
  }
}

export interface OutboxRelayOptions {
  readonly name: string;
  readonly owner: string;
  readonly batchSize?: number;
  /**
   * How long an idle relay waits before looking again (ms): the safety net for commits appended by
   * other processes. Local appends call `notify()` and are relayed at once. Default 5 s.
   */
  readonly pollIntervalMs?: number;
  readonly leaseTtlMs?: number;
  /** Milliseconds since the epoch, for the lease's timing; Date.now unless a test steers time. */
  readonly clock?: () => number;
  readonly onError?: (err: unknown) => void;
  readonly onPublished?: (count: number, lag: number) => void;
}

/**
 * The events collection is the outbox. The relay gives committed events their global positions, then
 * publishes them in position order and advances its checkpoint only after the publisher resolved (the
 * broker acknowledged), storing it at most once every CHECKPOINT_INTERVAL_MS and when it stops. A crash
 * anywhere loses nothing; at worst what was published since the last stored checkpoint is published
 * again, which consumers absorb by (streamId, version).
 *
 * It runs when told (`notify()` after a local append) and otherwise polls slowly. While it keeps its
 * lease without a break, nobody else positions or publishes, so it keeps the checkpoint in memory and,
 * once caught up, a round that positions nothing ends there: an idle round is the store's look for
 * new commits (`assignPositions`, equality lookups), plus a lease renewal every half lease.
 */
export class OutboxRelay {
  private readonly checkpoints: Collection<CheckpointDocument>;
  private readonly lease: MongoLease;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** A notify() that came while a round ran: the next wait returns at once. */
  private woken = false;
  private lastLag = 0;
  /** The checkpoint as this holder last published, read or wrote it; null when another holder may have moved it. */
  private published: number | null = null;
  /** The checkpoint as stored by this holder (null: not known), and when (the lease's clock). */
  private stored: number | null = null;
  private storedAt = 0;
  /** Whether the last read found every positioned event published. */
  private caughtUp = false;

  constructor(
    db: Db,
    private readonly store: EventStore,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxRelayOptions,
  ) {
    this.checkpoints = db.collection<CheckpointDocument>('relay_checkpoints');
    this.lease = new MongoLease(db, `relay:${options.name}`, options.owner, options.leaseTtlMs ?? 15_000);
  }

  get lag(): number {
    return this.lastLag;
  }

  async checkpoint(): Promise<number> {
    const doc = await this.checkpoints.findOne({ _id: this.options.name });
    return doc?.position ?? 0;
  }

  /** One round; returns how many events were positioned or published. Exposed for tests and tools. */
  async tick(): Promise<number> {
    const lease = await this.lease.hold(this.now());
    if (lease !== 'kept') this.published = this.stored = null;
    if (lease === 'lost') return 0;
    const batch = this.options.batchSize ?? 500;
    // Kept without a break: nobody else positioned since our last round.
    const assigned = await this.store.assignPositions(batch, { exclusive: lease === 'kept' });
    if (assigned === 0 && this.caughtUp && this.published !== null) {
      await this.storeCheckpoint(false);
      return 0;
    }
    if (this.published === null) this.published = this.stored = await this.checkpoint();
    const from = this.published;
    const events = await this.store.readAll(from, batch);
    this.caughtUp = events.length < batch;
    if (events.length === 0) {
      this.lastLag = 0;
      return assigned;
    }
    await this.publisher.publish(events);
    const last = events[events.length - 1]!.position;
    this.published = last;
    await this.storeCheckpoint(false);
    // Positions are contiguous: a short read returned everything positioned, so only a full batch
    // needs the head to tell how far behind the relay is.
    this.lastLag = this.caughtUp ? 0 : Math.max(0, (await this.store.headPosition()) - last);
    this.options.onPublished?.(events.length, this.lastLag);
    return assigned + events.length;
  }

  /**
   * Stores the published checkpoint if it moved and CHECKPOINT_INTERVAL_MS has passed since the last
   * write (or `now`). `$max`: a holder that lost its lease meanwhile never moves it back.
   */
  private async storeCheckpoint(now: boolean): Promise<void> {
    const position = this.published;
    if (position === null || position === this.stored) return;
    if (!now && this.now() - this.storedAt < CHECKPOINT_INTERVAL_MS) return;
    await this.checkpoints.updateOne(
      { _id: this.options.name },
      { $max: { position }, $set: { updatedAt: new Date() } },
      { upsert: true },
    );
    this.stored = position;
    this.storedAt = this.now();
  }

  /** Milliseconds until an unstored checkpoint is due (null: nothing to store). */
  private checkpointDueIn(): number | null {
    if (this.published === null || this.published === this.stored) return null;
    return Math.max(0, CHECKPOINT_INTERVAL_MS - (this.now() - this.storedAt));
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** Wake the loop now (called after a local append) instead of waiting for the next poll. */
  notify(): void {
    if (this.wake) this.wake();
    else this.woken = true;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    // What it published is not published again by the next holder.
    await this.storeCheckpoint(true).catch((err: unknown) => this.options.onError?.(err));
    await this.lease.release().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const poll = this.options.pollIntervalMs ?? 5_000;
    let failures = 0;
    while (this.running) {
      // Cleared before the round: an append it does not see wakes the wait that follows.
      this.woken = false;
      let worked = 0;
      try {
        worked = await this.tick();
        failures = 0;
      } catch (err) {
        failures += 1;
        // A failed round may have left the checkpoint anywhere: read it again next time.
        this.published = this.stored = null;
        this.options.onError?.(err);
      }
      if (worked > 0 || !this.running || (this.woken && failures === 0)) continue;
      const delay =
        failures > 0 ? Math.min(5_000, 100 * 2 ** failures) : Math.min(poll, this.checkpointDueIn() ?? poll);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}
