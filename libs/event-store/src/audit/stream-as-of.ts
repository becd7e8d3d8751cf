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
    const filter = asOf && axis === 'recorded' ? { streamId, recordedAt: { $lte: asOf } } : { streamId };
    const commits = await this.commits.find(filter).sort({ version: 1 }).toArray();
    const exists = commits.length > 0 || (await this.commits.countDocuments({ streamId })) > 0;
    if (!exists) return null;
    let events = commits.flatMap(eventsOf);
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
