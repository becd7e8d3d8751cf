import type { DomainEvent, EventRegistry } from '@tracker/contracts';
import { ConcurrencyError } from './errors';
import type { AppendMetadata, EventStore, RecordedEvent } from './event-store.port';
import { replayedCommitOn } from './idempotent-request';

/** An aggregate is two pure functions and a starting state (docs/architecture.md, "Where code lives"). */
export interface AggregateDefinition<TState, TCommand, TEvent extends DomainEvent> {
  readonly name: string;
  readonly initialState: TState;
  readonly decide: (command: TCommand, state: TState, now: Date) => TEvent[];
  readonly evolve: (state: TState, event: TEvent) => TState;
  readonly registry: EventRegistry;
}

/** The If-Match a client sent does not match the aggregate's version: HTTP 412. */
export class PreconditionFailedError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`${streamId} is at version ${actualVersion}, the request expected ${expectedVersion}`);
  }
}

export interface Loaded<TState> {
  readonly state: TState;
  readonly version: number;
  readonly lastHash: string | undefined;
  readonly events: readonly RecordedEvent[];
}

export interface ExecuteResult<TState, TEvent> {
  readonly state: TState;
  readonly version: number;
  readonly events: readonly TEvent[];
}

/** load → decide → append, with the expected version the load saw. Nothing else. */
export class AggregateRepository<TState, TCommand, TEvent extends DomainEvent> {
  constructor(
    private readonly store: EventStore,
    private readonly aggregate: AggregateDefinition<TState, TCommand, TEvent>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  streamId(id: string): string {
    return `${this.aggregate.name}-${id}`;
  }

  async load(id: string, recordedUntil?: Date): Promise<Loaded<TState>> {
    const events = await this.store.readStream(this.streamId(id), recordedUntil ? { recordedUntil } : {});
    let state = this.aggregate.initialState;
    for (const e of events.map((stored) => this.domainEventOf(stored)))
      state = this.aggregate.evolve(state, e);
    const last = events[events.length - 1];
    return { state, version: last?.version ?? 0, lastHash: last?.hash, events };
  }

  private domainEventOf(stored: RecordedEvent): TEvent {
    const e = this.aggregate.registry.parse<TEvent>({ ...stored, position: stored.position ?? 0 });
    return { type: e.type, schemaVersion: e.schemaVersion, data: e.data } as TEvent;
  }

  /**
   * The retry of a request that committed on this stream and died before answering
   * (idempotent-request.ts): the result that commit gave — the state just after it, its version, its
   * events — as if the command had just run, so the handler answers exactly what it would have then.
   */
  private async replay(
    id: string,
    commit: { version: number; lastVersion: number },
  ): Promise<ExecuteResult<TState, TEvent>> {
    const events = await this.store.readStream(this.streamId(id));
    let state = this.aggregate.initialState;
    const committed: TEvent[] = [];
    for (const stored of events) {
      if (stored.version > commit.lastVersion) break;
      const e = this.domainEventOf(stored);
      state = this.aggregate.evolve(state, e);
      if (stored.version >= commit.version) committed.push(e);
    }
    return { state, version: commit.lastVersion, events: committed };
  }

  /**
   * Runs a command. With `expectedVersion` (from If-Match) a stale client gets PreconditionFailedError;
   * without it a concurrent writer makes us reload and decide again, up to `retries` times, so the
   * command is judged on the state it actually applies to.
   */
  async execute(
    id: string,
    command: TCommand,
    metadata: AppendMetadata,
    options: {
      expectedVersion?: number;
      retries?: number;
      /**
       * Runs on the loaded stream before the command is decided (and may throw): a check that the
       * stream itself can spare a read for, e.g. an authorization that a first commit settled.
       */
      precheck?: (loaded: Pick<Loaded<TState>, 'state' | 'version'>) => Promise<void>;
    } = {},
  ): Promise<ExecuteResult<TState, TEvent>> {
    const replayed = replayedCommitOn(this.streamId(id), metadata);
    if (replayed) {
      const result = await this.replay(id, replayed);
      await options.precheck?.(result);
      return result;
    }
    const retries = options.expectedVersion === undefined ? (options.retries ?? 3) : 0;
    for (let attempt = 0; ; attempt += 1) {
      const loaded = await this.load(id);
      await options.precheck?.(loaded);
      if (options.expectedVersion !== undefined && options.expectedVersion !== loaded.version) {
        throw new PreconditionFailedError(this.streamId(id), options.expectedVersion, loaded.version);
      }
      const now = this.clock();
      const events = this.aggregate.decide(command, loaded.state, now);
      if (events.length === 0) return { state: loaded.state, version: loaded.version, events: [] };
      try {
        const result = await this.store.append({
          streamId: this.streamId(id),
          expectedVersion: loaded.version,
          events,
          metadata,
          ...(loaded.lastHash ? { prevHash: loaded.lastHash } : {}),
          predecessorPositioned: loaded.events.length === 0 || loaded.events.at(-1)!.position !== null,
        });
        const state = events.reduce(this.aggregate.evolve, loaded.state);
        return { state, version: result.nextExpectedVersion, events };
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
        // A client that sent If-Match lost the race to another writer: its version is now stale (412).
        if (options.expectedVersion !== undefined) {
          throw new PreconditionFailedError(
            this.streamId(id),
            options.expectedVersion,
            err.actualVersion ?? options.expectedVersion + 1,
          );
        }
        if (attempt < retries) continue;
        throw err;
      }
    }
  }
}
