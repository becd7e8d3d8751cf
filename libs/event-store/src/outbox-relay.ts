import type { Collection, Db } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import type { EventStore } from './event-store.port';
import { isDuplicateKeyError } from './mongo-event-store';

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

/** A time-bound lease in MongoDB: at most one relay per service publishes at a time. */
export class MongoLease {
  private readonly leases: Collection<LeaseDocument>;

  constructor(
    db: Db,
    private readonly name: string,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {
    this.leases = db.collection<LeaseDocument>('leases');
  }

  async acquire(now = new Date()): Promise<boolean> {
    try {
      const doc = await this.leases.findOneAndUpdate(
        { _id: this.name, $or: [{ owner: this.owner }, { expiresAt: { $lt: now } }] },
        { $set: { owner: this.owner, expiresAt: new Date(now.getTime() + this.ttlMs) } },
        { upsert: true, returnDocument: 'after' },
      );
      return doc?.owner === this.owner;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async release(): Promise<void> {
    await this.leases.deleteOne({ _id: this.name, owner: this.owner });
  }
}

export interface OutboxRelayOptions {
  readonly name: string;
  readonly owner: string;
  readonly batchSize?: number;
  readonly idleDelayMs?: number;
  readonly leaseTtlMs?: number;
  readonly onError?: (err: unknown) => void;
  readonly onPublished?: (count: number, lag: number) => void;
}

/**
 * The events collection is the outbox. The relay gives committed events their global positions, then
 * publishes them in position order and advances its checkpoint only after the publisher resolved (the
 * broker acknowledged). A crash anywhere loses nothing; at worst a batch is published twice, which
 * consumers absorb by (streamId, version).
 */
export class OutboxRelay {
  private readonly checkpoints: Collection<CheckpointDocument>;
  private readonly lease: MongoLease;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lastLag = 0;

  constructor(
    db: Db,
    private readonly store: EventStore,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxRelayOptions,
  ) {
    this.checkpoints = db.collection<CheckpointDocument>('relay_checkpoints');
    this.lease = new MongoLease(db, `relay:${options.name}`, options.owner, options.leaseTtlMs ?? 10_000);
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
    if (!(await this.lease.acquire())) return 0;
    const batch = this.options.batchSize ?? 500;
    const assigned = await this.store.assignPositions(batch);
    const from = await this.checkpoint();
    const events = await this.store.readAll(from, batch);
    if (events.length > 0) {
      await this.publisher.publish(events);
      const last = events[events.length - 1]!.position;
      await this.checkpoints.updateOne(
        { _id: this.options.name },
        { $set: { position: last, updatedAt: new Date() } },
        { upsert: true },
      );
      this.lastLag = Math.max(0, (await this.store.headPosition()) - last);
      this.options.onPublished?.(events.length, this.lastLag);
    } else {
      this.lastLag = 0;
    }
    return assigned + events.length;
  }

  /** Wake the loop now (called after a local append) instead of waiting for the next poll. */
  notify(): void {
    this.wake?.();
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
    await this.lease.release().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const idle = this.options.idleDelayMs ?? 100;
    let failures = 0;
    while (this.running) {
      let worked = 0;
      try {
        worked = await this.tick();
        failures = 0;
      } catch (err) {
        failures += 1;
        this.options.onError?.(err);
      }
      if (worked > 0 || !this.running) continue;
      const delay = failures > 0 ? Math.min(5_000, idle * 2 ** failures) : idle;
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
