import type { Collection } from 'mongodb';
import type { DomainEvent } from '@tracker/contracts';
import type { CommitDocument } from '../commit-document';
import type { RecordedEvent } from '../event-store.port';
import type { FoldableAggregate } from './audit.options';
import { eventsOf } from '../commit-document';

/**
 * `recorded`: what the system knew at the instant (event recordedAt ≤ asOf; the default, exact and
 * immutable). `occurred`: what had happened in the world by then (occurredAt ≤ asOf), for back-dated
 * imports; events are still folded in version order.
 */
export type TimeAxis = 'recorded' | 'occurred';

export interface StreamAsOf {
  readonly streamId: string;
  readonly aggregate: string | null;
  readonly asOf: string | null;
  readonly axis: TimeAxis;
  readonly version: number;
  readonly state: unknown;
  readonly foldError: string | null;
  readonly events: readonly RecordedEvent[];
}

/** The aggregate a stream belongs to: the longest registered name that prefixes `<name>-`. */
export const aggregateFor = (
  aggregates: readonly FoldableAggregate[],
  streamId: string,
): FoldableAggregate | null =>
  [...aggregates]
    .sort((a, b) => b.name.length - a.name.length)
    .find((a) => streamId.startsWith(`${a.name}-`)) ?? null;

/** Folds events with the aggregate's own registry (upcasting) and evolve, like AggregateRepository.load. */
export const foldAggregate = (aggregate: FoldableAggregate, events: readonly RecordedEvent[]): unknown => {
  const evolve = aggregate.evolve as (state: unknown, event: DomainEvent) => unknown;
  let state = aggregate.initialState;
  for (const stored of events) {
    const e = aggregate.registry.parse({ ...stored, position: stored.position ?? 0 });
    state = evolve(state, { type: e.type, schemaVersion: e.schemaVersion, data: e.data });
  }
  return state;
};

/** Any stream's events and folded state as of an instant. */
export class StreamHistory {
  constructor(
    private readonly commits: Collection<CommitDocument>,
    private readonly aggregates: readonly FoldableAggregate[],
  ) {}

  async asOf(streamId: string, asOf: Date | null, axis: TimeAxis): Promise<StreamAsOf | null> {
    // The stream by its indexed equality alone, cut and ordered here: FerretDB would evaluate the time
    // bound and sort in Go anyway, and a stream is a bounded set (ADR 0007, addendum).
    const all = await this.commits.find({ streamId }).toArray();
    if (all.length === 0) return null;
    const commits = asOf && axis === 'recorded' ? all.filter((c) => c.recordedAt <= asOf) : all;
    let events = commits.sort((x, y) => x.version - y.version).flatMap(eventsOf);
    if (asOf && axis === 'occurred')
      events = events.filter((e) => Date.parse(e.metadata.occurredAt) <= asOf.getTime());
    const aggregate = aggregateFor(this.aggregates, streamId);
    let state: unknown = null;
    let foldError: string | null = null;
    if (aggregate) {
      try {
        state = foldAggregate(aggregate, events);
      } catch (err) {
        foldError = err instanceof Error ? err.message : String(err);
      }
    }
    return {
      streamId,
      aggregate: aggregate?.name ?? null,
      asOf: asOf?.toISOString() ?? null,
      axis,
      version: events[events.length - 1]?.version ?? 0,
      state,
      foldError,
      events,
    };
  }
}
