import type { Collection, Db } from 'mongodb';
import type { EventRegistry } from '@tracker/contracts';
import type { MongoInbox, Projection } from '@tracker/projections';
import type { CommitDocument } from '../commit-document';

/**
 * What the audit module needs to fold a stream: any AggregateDefinition fits (decide is not needed).
 * `evolve` takes `never` so aggregates of every state and event type can sit in one list.
 */
export interface FoldableAggregate {
  readonly name: string;
  readonly initialState: unknown;
  readonly evolve: (state: never, event: never) => unknown;
  readonly registry: EventRegistry;
}

/** A read model the audit module can rebuild and fold "as of" a date, and where it replays from. */
export interface AuditedProjection {
  readonly projection: Projection<object>;
  /**
   * `event-store`: fed by this service's own events only; `inbox`: fed by other contexts' topics too,
   * replayed from the inbox (theirs) and the event store (its own; rebuild-sources.ts).
   */
  readonly source: 'event-store' | 'inbox';
}

export interface AuditOptions {
  readonly service: string;
  readonly db: Db;
  /** The service's `events` collection (commit documents), or null for a service with no event store. */
  readonly commits: Collection<CommitDocument> | null;
  readonly aggregates: readonly FoldableAggregate[];
  readonly projections: readonly AuditedProjection[];
  readonly inbox: MongoInbox | null;
}

export const AUDIT_OPTIONS = Symbol('AUDIT_OPTIONS');

/** Collection of the service's own database where every audit request is recorded (who asked what). */
export const AUDIT_LOG_COLLECTION = 'audit_log';
export const REBUILD_JOBS_COLLECTION = 'audit_rebuild_jobs';
