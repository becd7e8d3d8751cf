// The global `expect` (not @jest/globals): the benches import this library outside Jest.

/** What a decider spec needs of an aggregate: libs/event-store's AggregateDefinition has it. */
export interface Decider<TCommand, TState, TEvent> {
  readonly initialState: TState;
  readonly decide: (command: TCommand, state: TState, now: Date) => readonly TEvent[];
  readonly evolve: (state: TState, event: TEvent) => TState;
}

export interface DeciderOutcome<TState, TEvent> {
  /** The decided events are these, in order: each expected one a subset of the decided one's fields. */
  then(...expected: readonly object[]): void;
  thenThrows(error: new (...args: never[]) => Error, message?: RegExp): void;
  /** The state the decided events lead to. */
  thenState(): TState;
  /** The decided events, for the checks `then` does not express. */
  events(): readonly TEvent[];
}

export interface DeciderSpecOptions {
  /** The instant a command is decided at when `when` is given none. */
  readonly now?: Date;
  /**
   * Every command is idempotent: `then` also checks that deciding the command again, on the state its
   * events lead to, decides nothing.
   */
  readonly idempotent?: boolean;
}

/**
 * `given(...history).when(command, now?).then(...events)` over an aggregate's pure decide/evolve
 * (docs/architecture.md, "Where code lives"): the one helper every decider spec uses.
 */
export const deciderSpec =
  <TCommand, TState, TEvent>(decider: Decider<TCommand, TState, TEvent>, options: DeciderSpecOptions = {}) =>
  (...history: readonly TEvent[]) => {
    const state = history.reduce(decider.evolve, decider.initialState);
    return {
      state,
      when: (command: TCommand, now: Date | undefined = options.now): DeciderOutcome<TState, TEvent> => {
        if (now === undefined) throw new Error('deciderSpec: give `when` an instant, or the spec a `now`');
        const run = (): readonly TEvent[] => decider.decide(command, state, now);
        return {
          then: (...expected) => {
            const decided = run();
            expect(decided).toEqual(expected.map((e): unknown => expect.objectContaining(e)));
            if (options.idempotent)
              expect(decider.decide(command, decided.reduce(decider.evolve, state), now)).toEqual([]);
          },
          thenThrows: (error, message) => {
            expect(run).toThrow(error);
            if (message) expect(run).toThrow(message);
          },
          thenState: () => run().reduce(decider.evolve, state),
          events: run,
        };
      },
    };
  };
