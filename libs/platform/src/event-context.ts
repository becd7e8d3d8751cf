import { PinoLogger } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';
import type { Logger } from 'pino';
import type { Principal } from '@tracker/auth';
import type { StoredEvent } from '@tracker/contracts';
import type { AppendMetadata } from '@tracker/event-store';

/** Who acts when a service reacts to an event on its own: a system actor, or a principal. */
export type ReactingActor =
  string | (Pick<Principal, 'subject' | 'role'> & Partial<Pick<Principal, 'institution'>>);

export const SYSTEM_ROLE = 'system';

/**
 * Metadata for events a consumer appends because it handled `cause` (an alert raised because a
 * commitment lapsed, …): same correlation id as the cause, causation id = the cause's event id, so the
 * whole chain from the first HTTP request can be followed across services.
 * A string actor is a system actor such as `system:alerts`.
 */
export const metadataCausedBy = (
  cause: Pick<StoredEvent, 'eventId' | 'metadata'>,
  actor: ReactingActor,
  now: Date = new Date(),
  reason: string | null = null,
): AppendMetadata => ({
  actor: typeof actor === 'string' ? actor : actor.subject,
  role: typeof actor === 'string' ? SYSTEM_ROLE : actor.role,
  institution: typeof actor === 'string' ? null : (actor.institution ?? null),
  correlationId: cause.metadata.correlationId,
  causationId: cause.eventId,
  occurredAt: now.toISOString(),
  reason,
});

/** Log fields that tie a consumer's log lines to the event it handles. */
export const eventLogBindings = (
  event: Pick<StoredEvent, 'eventId' | 'type' | 'streamId' | 'version' | 'metadata'>,
): Record<string, string | number> => ({
  correlationId: event.metadata.correlationId,
  eventId: event.eventId,
  eventType: event.type,
  streamId: event.streamId,
  streamVersion: event.version,
});

/**
 * Runs a consumer's work for one event so that every log line written meanwhile — through Nest's
 * Logger, PinoLogger or `logger` here — carries the event's correlation id (the same async-local store
 * nestjs-pino uses for HTTP requests).
 */
export const runInEventContext = <T>(
  event: Pick<StoredEvent, 'eventId' | 'type' | 'streamId' | 'version' | 'metadata'>,
  work: () => Promise<T>,
  parent?: Logger,
): Promise<T> => {
  // `root` is typed as always set, but it is only set once a LoggerModule has been created.
  const root: Logger | undefined = PinoLogger.root;
  const base = parent ?? storage.getStore()?.logger ?? root;
  if (!base) return work();
  return storage.run(new Store(base.child(eventLogBindings(event))), work);
};
