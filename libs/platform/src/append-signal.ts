import { Injectable } from '@nestjs/common';
import type { Db } from 'mongodb';
import {
  type AppendManyOutcome,
  type AppendRequest,
  type AppendResult,
  MongoEventStore,
} from '@tracker/event-store';

/**
 * Raised after every append that committed events in this process; the outbox relay listens
 * (service-lifecycle.ts), so a staff update reaches Kafka without waiting for the relay's slow
 * safety-net poll, and no command handler has to remember to wake it.
 */
@Injectable()
export class AppendSignal {
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` after each committing append; returns the unsubscribe. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/**
 * The service's event store: the MongoDB store, raising the append signal once each append or
 * appendMany has committed something. A subclass, so the audit API still sees a MongoEventStore
 * (auditModuleFor in service-lifecycle.ts).
 */
export class SignallingMongoEventStore extends MongoEventStore {
  constructor(
    db: Db,
    private readonly signal: AppendSignal,
  ) {
    super(db);
  }

  override async append(request: AppendRequest): Promise<AppendResult> {
    const result = await super.append(request);
    if (result.events.length > 0) this.signal.emit();
    return result;
  }

  override async appendMany(requests: readonly AppendRequest[]): Promise<AppendManyOutcome[]> {
    const outcomes = await super.appendMany(requests);
    if (outcomes.some((o) => o.ok && o.result.events.length > 0)) this.signal.emit();
    return outcomes;
  }
}
