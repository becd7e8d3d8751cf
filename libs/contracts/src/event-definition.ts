import { type z } from 'zod';
import type { DomainEvent } from './envelope';

/**
 * A versioned event contract: its stable type string, current schema version and the zod schema of
 * its data. Producers build events through it; consumers parse through it (after upcasting), so a
 * malformed event is caught at the edge of the consumer and routed to the dead-letter topic.
 */
export interface EventDefinition<TType extends string, TSchema extends z.ZodType> {
  readonly type: TType;
  readonly schemaVersion: number;
  readonly schema: TSchema;
  (data: z.infer<TSchema>): DomainEvent<TType, z.infer<TSchema>>;
}

export const defineEvent = <TType extends string, TSchema extends z.ZodType>(
  type: TType,
  schemaVersion: number,
  schema: TSchema,
): EventDefinition<TType, TSchema> => {
  const make = (data: z.infer<TSchema>): DomainEvent<TType, z.infer<TSchema>> => ({
    type,
    schemaVersion,
    data,
  });
  return Object.assign(make, { type, schemaVersion, schema });
};

export type EventOf<D> = D extends EventDefinition<infer T, infer S> ? DomainEvent<T, z.infer<S>> : never;

/** An upcaster lifts the data of one (type, fromVersion) to fromVersion + 1. */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  readonly up: (data: unknown) => unknown;
}
