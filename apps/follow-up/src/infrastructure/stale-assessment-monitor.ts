import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Db, Filter } from 'mongodb';
import { MONGO_DB } from '@tracker/platform';
import type { ReadModelDocument } from '@tracker/projections';
import { MarkStaleCommand } from '../application/mark-stale/mark-stale.command';
import { effectiveStaleAfterMs, stalePeriod } from '../domain/staleness';
import type { StaleOptions } from '../follow-up.config';
import { ASSESSMENT_ACTIVITY, type AssessmentActivity, staleClockOf } from './assessment-activity.projection';

export const STALE_OPTIONS = Symbol('STALE_OPTIONS');

/**
 * The periodic stale check (every ASSESSMENT_STALE_CHECK_INTERVAL_MS, and at start): every open item
 * whose newest assessment (or, never assessed, its arrival) is N or more old and whose current period
 * is not marked yet gets a MarkStaleCommand; the aggregate makes a repeated check append nothing. A
 * period reached while the service was down is marked once, at the next check. N is the item's own
 * period when the secretariat set one (0: never), the global one otherwise.
 */
@Injectable()
export class StaleAssessmentMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StaleAssessmentMonitor.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(STALE_OPTIONS) readonly options: StaleOptions,
    private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    // Runs even with no global period: items with their own period still go stale.
    const run = (): void => {
      void this.check().catch((err: unknown) => this.logger.error({ err }, 'stale check failed'));
    };
    run();
    this.timer = setInterval(run, this.options.checkIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass; resolves with how many items were marked stale. */
  check(): Promise<number> {
    this.running ??= this.checkOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async checkOnce(): Promise<number> {
    const { staleAfterMs, dayMs } = this.options;
    const now = new Date();
    // Items on the global period: only those known for N already. Items with their own period are
    // few (set by hand), so all of them are read and judged one by one.
    const candidates: Filter<ReadModelDocument<AssessmentActivity>>[] = [{ staleAfterDays: { $gt: 0 } }];
    if (staleAfterMs > 0) {
      const knownAt = { $lte: new Date(now.getTime() - staleAfterMs).toISOString() };
      // Rows written before per-item periods existed have no such field; spelt out rather than
      // relying on `null` matching a missing field on every backend (FerretDB, ADR 0005).
      candidates.push({ staleAfterDays: null, knownAt }, { staleAfterDays: { $exists: false }, knownAt });
    }
    const rows = await this.db
      .collection<ReadModelDocument<AssessmentActivity>>(ASSESSMENT_ACTIVITY)
      // Read whole, not iterated while writing: FerretDB does not like long-lived cursors (ADR 0005).
      .find({ closed: false, knownAt: { $ne: null }, $or: candidates })
      .toArray();
    let marked = 0;
    for (const row of rows) {
      if (this.stopped) break;
      const since = staleClockOf(row);
      if (since === null || row.kind === null) continue;
      const itemStaleAfterMs = effectiveStaleAfterMs(row.staleAfterDays ?? null, staleAfterMs, dayMs);
      if (itemStaleAfterMs <= 0) continue;
      const { period, staleAt } = stalePeriod(since, itemStaleAfterMs, now);
      if (period < 1) continue;
      if (row.staleSince === since && row.staleAt !== null && Date.parse(row.staleAt) >= staleAt.getTime())
        continue;
      const result = await this.commands
        .execute(new MarkStaleCommand({ kind: row.kind, id: row.itemId }, row.knownAt!, staleAfterMs, dayMs))
        .catch((err: unknown) => {
          this.logger.error({ err, itemId: row.itemId }, 'marking an item stale failed');
          return { marked: false };
        });
      if (result.marked) marked++;
    }
    if (marked > 0) this.logger.log({ marked }, 'stale follow-up: items marked stale');
    return marked;
  }
}
