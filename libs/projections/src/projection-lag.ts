import { Gauge, type Registry } from 'prom-client';
import type { StoredEvent } from '@tracker/contracts';

/** How far one projection is behind what its sources have published. */
export interface ProjectionLagReading {
  readonly projection: string;
  /** Events published to the projection's topics that it has not applied yet. */
  readonly events: number;
  /** Seconds it is behind; 0 when it has applied everything published. */
  readonly seconds: number;
}

/** Reads a projection's backlog: events published but not yet applied (e.g. Kafka consumer-group lag). */
export type BacklogReader = () => Promise<number>;

export interface ProjectionLagOptions {
  readonly clock?: () => number;
  /** Backlogs are read at most this often; scrapes in between answer the last reading. */
  readonly refreshIntervalMs?: number;
  /** A backlog read slower than this keeps the previous reading (a scrape never hangs on Kafka). */
  readonly readTimeoutMs?: number;
}

interface LagState {
  readonly read: BacklogReader;
  backlog: number;
  /** When the backlog was first seen above 0 since it was last 0. */
  behindSince: number | null;
  /** recordedAt of the newest event applied. */
  lastAppliedRecordedAt: number | null;
}

/**
 * Lag of the projection runner's read models, per projection:
 *  - events: the backlog its reader reports (for Kafka-fed projections, the consumer group's end offsets
 *    minus its committed offsets, summed over partitions: published, not yet applied);
 *  - seconds: while the backlog is above 0, now minus the later of (recordedAt of the last applied event,
 *    the moment the backlog was first seen). Steady traffic: the age of the last event applied. A burst
 *    after a quiet spell: how long the projection has been behind, not how old the last event was.
 */
export class ProjectionLag {
  private readonly states = new Map<string, LagState>();
  private readonly clock: () => number;
  private readonly refreshIntervalMs: number;
  private readonly readTimeoutMs: number;
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;

  constructor(options: ProjectionLagOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 1_000;
    this.readTimeoutMs = options.readTimeoutMs ?? 2_000;
  }

  track(projection: string, read: BacklogReader): void {
    this.states.set(projection, { read, backlog: 0, behindSince: null, lastAppliedRecordedAt: null });
  }

  /** The runner applied (or skipped as already applied) this event. */
  applied(projection: string, event: Pick<StoredEvent, 'metadata'>): void {
    const state = this.states.get(projection);
    const at = Date.parse(event.metadata.recordedAt);
    if (!state || Number.isNaN(at)) return;
    state.lastAppliedRecordedAt = Math.max(state.lastAppliedRecordedAt ?? at, at);
  }

  setBacklog(projection: string, events: number): void {
    const state = this.states.get(projection);
    if (!state) return;
    state.backlog = Math.max(0, events);
    if (state.backlog === 0) state.behindSince = null;
    else state.behindSince ??= this.clock();
  }

  /** Reads every backlog, at most once per refresh interval; concurrent callers share one read. */
  refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.clock() - this.lastRefresh < this.refreshIntervalMs) return Promise.resolve();
    this.inFlight = Promise.all(
      [...this.states.entries()].map(async ([projection, state]) => {
        const events = await withTimeout(state.read(), this.readTimeoutMs).catch(() => null);
        if (events !== null) this.setBacklog(projection, events);
      }),
    )
      .then(() => undefined)
      .finally(() => {
        this.lastRefresh = this.clock();
        this.inFlight = null;
      });
    return this.inFlight;
  }

  readings(): ProjectionLagReading[] {
    const now = this.clock();
    return [...this.states.entries()].map(([projection, s]) => {
      const since =
        s.behindSince === null ? null : Math.max(s.behindSince, s.lastAppliedRecordedAt ?? s.behindSince);
      return {
        projection,
        events: s.backlog,
        seconds: s.backlog > 0 && since !== null ? Math.max(0, (now - since) / 1000) : 0,
      };
    });
  }
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });

/**
 * `tracker_projection_lag_events{projection}` and `tracker_projection_lag_seconds{projection}` in a
 * service's registry, read fresh (throttled) at each scrape.
 */
export const registerProjectionLagMetrics = (registry: Registry, lag: ProjectionLag): void => {
  const collectInto = async (gauge: Gauge, pick: (r: ProjectionLagReading) => number): Promise<void> => {
    await lag.refresh();
    for (const r of lag.readings()) gauge.set({ projection: r.projection }, pick(r));
  };
  new Gauge({
    name: 'tracker_projection_lag_events',
    help: 'events published to a projection topic but not yet applied to its read model',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      await collectInto(this, (r) => r.events);
    },
  });
  new Gauge({
    name: 'tracker_projection_lag_seconds',
    help: 'while a projection is behind: seconds since the later of its last applied event and falling behind',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      await collectInto(this, (r) => r.seconds);
    },
  });
};
