import type { z } from 'zod';
import type { DomainEvent, StoredEvent } from './envelope';
import type { EventDefinition, Upcaster } from './event-definition';

export class UnknownEventTypeError extends Error {
  constructor(readonly eventType: string) {
    super(`unknown event type "${eventType}"`);
  }
}

export class InvalidEventError extends Error {
  constructor(
    readonly eventType: string,
    readonly issues: string,
  ) {
    super(`event "${eventType}" does not match its contract: ${issues}`);
  }
}

type AnyDefinition = EventDefinition<string, z.ZodType>;

/** A parsed event of a union: distributes, so narrowing on `type` narrows `data` too. */
export type ParsedEvent<E extends DomainEvent> = E extends DomainEvent
  ? StoredEvent<E['type'], E['data']>
  : never;

/**
 * Knows every event a context can read: upcasts old schema versions to the current one and validates
 * the result, so handlers only ever see current, well-formed data.
 */
export class EventRegistry {
  private readonly definitions = new Map<string, AnyDefinition>();
  private readonly upcasters = new Map<string, Upcaster>();

  constructor(definitions: readonly AnyDefinition[], upcasters: readonly Upcaster[] = []) {
    for (const d of definitions) this.definitions.set(d.type, d);
    for (const u of upcasters) this.upcasters.set(`${u.type}@${u.fromVersion}`, u);
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  /** Upcast and validate; throws UnknownEventTypeError / InvalidEventError. */
  parse<E extends DomainEvent>(event: StoredEvent): ParsedEvent<E> {
    const def = this.definitions.get(event.type);
    if (!def) throw new UnknownEventTypeError(event.type);
    let data = event.data;
    let version = event.schemaVersion;
    while (version < def.schemaVersion) {
      const up = this.upcasters.get(`${event.type}@${version}`);
      if (!up) throw new InvalidEventError(event.type, `no upcaster from schema version ${version}`);
      data = up.up(data);
      version += 1;
    }
    if (version > def.schemaVersion) {
      throw new InvalidEventError(
        event.type,
        `schema version ${version} is newer than this reader (${def.schemaVersion})`,
      );
    }
    const result = def.schema.safeParse(data);
    if (!result.success) throw new InvalidEventError(event.type, result.error.message);
    return { ...event, schemaVersion: version, data: result.data } as ParsedEvent<E>;
  }
}
