import { defineEvent, EventRegistry, type DomainEvent } from '@tracker/contracts';
import { z } from 'zod';
import type { AggregateDefinition } from '../aggregate-repository';

/** The smallest aggregate, for the repository's specs: a counter that only ever increments. */
export const Incremented = defineEvent('counter.incremented', 1, z.object({ by: z.number() }));
export type CounterEvent = DomainEvent<'counter.incremented', { by: number }>;
export const counter: AggregateDefinition<{ value: number }, { by: number }, CounterEvent> = {
  name: 'counter',
  initialState: { value: 0 },
  decide: (cmd) => [Incremented({ by: cmd.by })],
  evolve: (s, e) => ({ value: s.value + e.data.by }),
  registry: new EventRegistry([Incremented]),
};
