import { Inject, Injectable } from '@nestjs/common';
import {
  AggregateRepository,
  type AppendMetadata,
  type AppendRequest,
  EVENT_STORE,
  type EventStore,
} from '@tracker/event-store';
import type { RecommendationEvent } from '@tracker/contracts';
import {
  Recommendation,
  type RecommendationCommand,
  type RecommendationDraft,
  type RecommendationState,
} from '../domain/recommendation';

export type CreateOutcome = 'created' | 'unchanged' | { readonly rejected: string };

@Injectable()
export class RecommendationRepository extends AggregateRepository<
  RecommendationState,
  RecommendationCommand,
  RecommendationEvent
> {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {
    super(eventStore, Recommendation);
  }

  /**
   * The create command for many recommendations at once (imports): one read of every stream, the same
   * pure decide() per item, one bulk append of the new streams. An item someone else created in the
   * meantime is decided again on its own. With `dryRun` nothing is written.
   */
  async createMany(
    items: readonly { readonly id: string; readonly draft: RecommendationDraft }[],
    metadata: AppendMetadata,
    options: { dryRun?: boolean; readFirst?: boolean } = {},
  ): Promise<CreateOutcome[]> {
    if (options.dryRun) return this.decideMany(items, metadata, true);
    // A re-import: most rows exist, and a refused insert costs the server more than a read.
    if (options.readFirst) return this.decideMany(items, metadata, false);
    // Optimistic first: most rows of an import are new, and appending a new stream needs no read. The
    // unique (streamId, version) index refuses the ones that exist; only those are read and decided.
    const now = new Date();
    const requests: AppendRequest[] = items.map((item) => ({
      streamId: this.streamId(item.id),
      expectedVersion: 0,
      events: Recommendation.decide(
        { type: 'create', recommendationId: item.id, draft: item.draft },
        Recommendation.initialState,
        now,
      ),
      metadata,
    }));
    const appended = await this.eventStore.appendMany(requests);
    const outcomes: CreateOutcome[] = appended.map((o) => (o.ok ? 'created' : 'unchanged'));
    const existing = items.filter((_, i) => !appended[i]!.ok);
    if (existing.length === 0) return outcomes;
    const decided = await this.decideMany(existing, metadata, false);
    let k = 0;
    appended.forEach((o, i) => {
      if (!o.ok) outcomes[i] = decided[k++]!;
    });
    return outcomes;
  }

  /** Reads every stream of `items` at once, decides create on each, appends what is new (unless dryRun). */
  private async decideMany(
    items: readonly { readonly id: string; readonly draft: RecommendationDraft }[],
    metadata: AppendMetadata,
    dryRun: boolean,
  ): Promise<CreateOutcome[]> {
    const now = new Date();
    const existing = await this.eventStore.readStreams(items.map((i) => this.streamId(i.id)));
    const outcomes: CreateOutcome[] = [];
    const requests: AppendRequest[] = [];
    const pending: number[] = [];
    for (const [index, item] of items.entries()) {
      const recorded = existing.get(this.streamId(item.id)) ?? [];
      let state: RecommendationState = Recommendation.initialState;
      for (const stored of recorded) {
        const e = Recommendation.registry.parse<RecommendationEvent>({
          ...stored,
          position: stored.position ?? 0,
        });
        state = Recommendation.evolve(state, {
          type: e.type,
          schemaVersion: e.schemaVersion,
          data: e.data,
        } as RecommendationEvent);
      }
      const command: RecommendationCommand = { type: 'create', recommendationId: item.id, draft: item.draft };
      let events: RecommendationEvent[];
      try {
        events = Recommendation.decide(command, state, now);
      } catch (err) {
        outcomes.push({ rejected: err instanceof Error ? err.message : String(err) });
        continue;
      }
      outcomes.push(events.length === 0 ? 'unchanged' : 'created');
      if (events.length > 0) {
        const last = recorded[recorded.length - 1];
        requests.push({
          streamId: this.streamId(item.id),
          expectedVersion: last?.version ?? 0,
          events,
          metadata,
          ...(last ? { prevHash: last.hash } : {}),
          predecessorPositioned: last === undefined || last.position !== null,
        });
        pending.push(index);
      }
    }
    if (dryRun || requests.length === 0) return outcomes;
    const appended = await this.eventStore.appendMany(requests);
    for (const [k, outcome] of appended.entries()) {
      if (outcome.ok) continue;
      const index = pending[k]!;
      const item = items[index]!;
      try {
        const again = await this.execute(
          item.id,
          { type: 'create', recommendationId: item.id, draft: item.draft },
          metadata,
        );
        outcomes[index] = again.events.length > 0 ? 'created' : 'unchanged';
      } catch (err) {
        outcomes[index] = { rejected: err instanceof Error ? err.message : String(err) };
      }
    }
    return outcomes;
  }
}
