/**
 * The shapes every service agrees on. An event is a past-tense fact with a stable string `type` and a
 * `schemaVersion`; class names never leak into stored data.
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly schemaVersion: number;
  readonly data: TData;
}

export interface EventMetadata {
  /** Subject of the token that caused the change (or a system actor such as `system:scheduler`). */
  readonly actor: string;
  readonly role: string;
  /** Institution of a focal point, when the actor has one. */
  readonly institution?: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** When the change happened in the world (may differ from recordedAt for back-dated imports). */
  readonly occurredAt: string;
  /** When the store committed it. Set by the store. */
  readonly recordedAt: string;
  /** Free-text reason the actor gave, if any. */
  readonly reason?: string | null;
}

/** An event as stored and as published on Kafka. */
export interface StoredEvent<TType extends string = string, TData = unknown> extends DomainEvent<
  TType,
  TData
> {
  readonly eventId: string;
  readonly streamId: string;
  /** 1..n within the stream. */
  readonly version: number;
  /** Global, per service, strictly increasing; assigned by the relay after commit. */
  readonly position: number;
  readonly metadata: EventMetadata;
  readonly prevHash: string;
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
