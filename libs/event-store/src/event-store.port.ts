import type { DomainEvent, EventMetadata, StoredEvent } from '@tracker/contracts';
import type { ConcurrencyError } from './errors';
import type { CommittedRequest } from './idempotent-request';

/** An event as read back from its stream: its global position may not be assigned yet. */
export type RecordedEvent = Omit<StoredEvent, 'position'> & { readonly position: number | null };

export type AppendMetadata = Omit<EventMetadata, 'recordedAt'>;

export interface AppendRequest {
  readonly streamId: string;
  /** Version the writer decided on: 0 for a new stream. */
  readonly expectedVersion: number;
  readonly events: readonly DomainEvent[];
  readonly metadata: AppendMetadata;
  /** Hash of the stream's last event, when the writer has it from its load; saves a read. */
  readonly prevHash?: string;
  /**
   * The writer's load saw the stream's last commit with its position (or no commit): then the commit
   * may take its positions as it is appended, after its predecessor's (reserved-positions.ts), and the
   * relay has no update to make for it. Without it a later commit of a stream waits, pending, for the
   * relay.
   */
  readonly predecessorPositioned?: boolean;
}

export interface AppendResult {
  readonly nextExpectedVersion: number;
  readonly events: readonly RecordedEvent[];
}

/** One request's outcome in `appendMany`: its result, or the conflict that refused it. */
export type AppendManyOutcome =
  | { readonly ok: true; readonly result: AppendResult }
  | { readonly ok: false; readonly error: ConcurrencyError };

export interface ReadStreamOptions {
  /** Only events recorded at or before this instant: the stream as the system knew it then. */
  readonly recordedUntil?: Date;
}

export interface HashBreak {
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly reason: string;
}

/**
 * The port every service writes through. Implementations: MongoEventStore (production, integration
 * tests) and InMemoryEventStore (unit tests); one conformance suite runs against both.
 */
export interface EventStore {
  append(request: AppendRequest): Promise<AppendResult>;
  /**
   * Appends to several streams at once (bulk imports): each request commits atomically on its own, as
   * with `append`; one request's conflict never stops the others. Outcomes are in request order.
   */
  appendMany(requests: readonly AppendRequest[]): Promise<AppendManyOutcome[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Several streams in one read; streams with no events are absent from the map. */
  readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>>;
  /** Events with a global position greater than `after`, in position order. */
  readAll(after: number, limit: number): Promise<StoredEvent[]>;
  /**
   * Gives positions to committed events that have none; returns how many events got one. `exclusive`:
   * no other relay has positioned since this instance's previous call returned (the relay kept its
   * lease), so the applied head that call left behind still holds. Appenders' batch claims are looked
   * for all the same.
   */
  assignPositions(batchSize: number, options?: { readonly exclusive?: boolean }): Promise<number>;
  /** Highest assigned position (0 when none). */
  headPosition(): Promise<number>;
  /**
   * The commits made for an Idempotency-Key request (its scoped key, idempotent-request.ts), in version
   * order per stream: what a retry of a request that committed but never answered replays.
   */
  committedFor(key: string): Promise<CommittedRequest[]>;
  /** Recomputes every stream's hash chain; returns the first break of each broken stream. */
  verify(options?: { streamId?: string }): Promise<{ streams: number; events: number; breaks: HashBreak[] }>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
