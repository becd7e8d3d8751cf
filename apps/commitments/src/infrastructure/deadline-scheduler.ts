import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job, Queue } from 'bullmq';
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { Gauge, Histogram, type Registry } from 'prom-client';
import {
  commitmentEvents,
  type CommitmentEvent,
  dueInstantOf,
  Topics,
  type StoredEvent,
} from '@tracker/contracts';
import type { AppendMetadata } from '@tracker/event-store';
import { JobQueue, type KafkaConsumerRunner, queueDepthGauge } from '@tracker/messaging';
import {
  type BaseConfig,
  DEFAULT_REDIS_URL,
  eventReactor,
  KAFKA,
  METRICS_REGISTRY,
  MONGO_DB,
  metadataCausedBy,
  SERVICE_CONFIG,
} from '@tracker/platform';
import { DEFAULT_WORKER_CONCURRENCY } from '../commitments.config';
import { ChangeCommitmentCommand } from '../application/change-commitment/change-commitment.command';
import { dueReminder, isLapseDue, reminderBlocker } from '../domain/commitment';
import { CommitmentRepository } from './commitment.repository';
import {
  deadlineQueueName,
  jobsFor,
  lapseJobId,
  reminderJobId,
  SCHEDULING_EVENTS,
  type LapseJob,
} from './deadline-jobs';
import { COMMITMENTS_VIEW, type CommitmentView } from './commitments-view.projection';

export const SCHEDULER_ACTOR = 'system:scheduler';

export interface DeadlineOptions {
  /** Default true; false leaves lapsing to operators (POST /lapse). */
  readonly timers?: boolean;
  /** How often the schedule is rebuilt from the read model; default DEADLINE_RECONCILE_INTERVAL_MS or 60 s. */
  readonly reconcileIntervalMs?: number;
  /** Reminder lead times in ms; default DEADLINE_REMINDER_LEAD_TIMES or 30 d, 7 d, 1 d. */
  readonly reminderLeadsMs?: readonly number[];
  /** Jobs fired at a time; default DEADLINE_WORKER_CONCURRENCY or DEFAULT_WORKER_CONCURRENCY. */
  readonly workerConcurrency?: number;
}
export const DEADLINE_OPTIONS = Symbol('DEADLINE_OPTIONS');

/**
 * The commitments' deadline timers (ADR 0006): BullMQ delayed jobs in Redis, scheduled from the
 * service's own topic (offsets commit only after the job is in Redis, so a crash loses no schedule),
 * fired by a worker that re-reads the aggregate and appends `commitment.lapsed` only if still due.
 * Reconciliation at start and every DEADLINE_RECONCILE_INTERVAL_MS rebuilds the schedule from the read
 * model: whatever Redis lost is rescheduled, whatever should have fired meanwhile fires now, late.
 */
@Injectable()
export class DeadlineScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeadlineScheduler.name);
  private queue: JobQueue<LapseJob> | null = null;
  private consumer: KafkaConsumerRunner | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reconciling: Promise<void> | null = null;
  private readonly lateness: Histogram;
  private readonly reminderLateness: Histogram;
  private readonly depth: Gauge;
  readonly reconcileIntervalMs: number;
  readonly reminderLeadsMs: readonly number[];
  readonly workerConcurrency: number;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: BaseConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly repository: CommitmentRepository,
    private readonly commands: CommandBus,
    @Inject(DEADLINE_OPTIONS) options: DeadlineOptions,
  ) {
    // CommitmentsModule.forRoot fills these from the validated DEADLINE_* variables.
    this.reconcileIntervalMs = options.reconcileIntervalMs ?? 60_000;
    this.reminderLeadsMs = [...(options.reminderLeadsMs ?? [])].sort((a, b) => b - a);
    this.workerConcurrency = options.workerConcurrency ?? DEFAULT_WORKER_CONCURRENCY;
    this.lateness = new Histogram({
      name: 'tracker_deadline_lateness_seconds',
      help: 'how late a lapse was appended after its due instant',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 30, 300, 3600],
      registers: [registry],
    });
    this.reminderLateness = new Histogram({
      name: 'tracker_reminder_lateness_seconds',
      help: 'how late a deadline reminder was appended after its lead instant',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 30, 300, 3600],
      registers: [registry],
    });
    this.depth = queueDepthGauge(
      registry,
      'tracker_deadline_queue_depth',
      'deadline jobs waiting (delayed + waiting + active)',
      () => this.queue?.queue,
    );
  }

  private get jobs(): Queue<LapseJob> {
    if (!this.queue) throw new Error('deadline scheduler not started');
    return this.queue.queue;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.queue = new JobQueue<LapseJob>({
      // Per topic prefix: test namespaces (and environments sharing a Redis) do not see each other's jobs.
      name: deadlineQueueName(this.config.KAFKA_TOPIC_PREFIX),
      redisUrl: this.config.REDIS_URL ?? DEFAULT_REDIS_URL,
      connectionName: `${this.config.INSTANCE_ID}:deadlines`,
      process: (job) => this.fire(job),
      attempts: 5,
      backoffMs: 500,
      keepCompleted: { count: 1000 },
      concurrency: this.workerConcurrency,
      work: true,
      log: (message, extra) => this.logger.error(extra, `deadline ${message}`),
    });
    this.queue.start();

    this.consumer = eventReactor(this.kafka, this.config, {
      group: 'commitments.deadline-scheduler',
      topics: [Topics.commitments],
      handle: (event) => this.onEvent(event),
      logger: this.logger,
    });
    await this.consumer.start();

    await this.reconcile().catch((err: unknown) =>
      this.logger.error({ err }, 'deadline reconciliation at start failed; retrying periodically'),
    );
    this.timer = setInterval(() => {
      void this.reconcile().catch((err: unknown) =>
        this.logger.error({ err }, 'deadline reconciliation failed'),
      );
    }, this.reconcileIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.consumer?.stop().catch(() => undefined);
    await this.reconciling?.catch(() => undefined);
    await this.queue?.close();
  }

  /**
   * Schedules (idempotently) the lapse at the due instant and a reminder at each lead time whose instant
   * is after `setAtMs` (when the due date was set); a past instant fires at once.
   */
  async schedule(
    commitmentId: string,
    dueDate: string,
    cause: LapseJob['cause'],
    setAtMs: number = Date.now(),
  ): Promise<void> {
    const dueAtMs = dueInstantOf(dueDate).getTime();
    const now = Date.now();
    await this.jobs.addBulk(
      jobsFor(commitmentId, dueAtMs, setAtMs, this.reminderLeadsMs, cause).map((j) => ({
        name: j.name,
        data: j.data,
        opts: { jobId: j.jobId, delay: Math.max(0, j.atMs - now) },
      })),
    );
  }

  /** Removes the timers of a due date that no longer holds (extended, fulfilled, withdrawn, lapsed). */
  async unschedule(commitmentId: string, dueDate: string, kinds: 'all' | 'reminders' = 'all'): Promise<void> {
    const dueAtMs = dueInstantOf(dueDate).getTime();
    const ids = [
      ...this.reminderLeadsMs.map((lead) => reminderJobId(commitmentId, dueAtMs, lead)),
      ...(kinds === 'all' ? [lapseJobId(commitmentId, dueAtMs)] : []),
    ];
    // A job that is running right now is locked and stays: it re-reads the aggregate and does nothing.
    await Promise.all(ids.map((id) => this.jobs.remove(id).catch(() => 0)));
  }

  private async onEvent(stored: StoredEvent): Promise<void> {
    if (!SCHEDULING_EVENTS.has(stored.type) || !commitmentEvents.has(stored.type)) return;
    const event = commitmentEvents.parse<CommitmentEvent>(stored);
    const cause = { eventId: stored.eventId, metadata: stored.metadata };
    const setAtMs = Date.parse(stored.metadata.recordedAt) || Date.now();
    // Straight from the event: a timer that a later event made stale (and that the removal below
    // missed) fires, re-reads the aggregate and does nothing.
    switch (event.type) {
      case 'commitment.created':
      case 'commitment.reopened':
        await this.schedule(event.data.commitmentId, event.data.dueDate, cause, setAtMs);
        return;
      case 'commitment.due-date-extended':
        await this.unschedule(event.data.commitmentId, event.data.previousDueDate);
        await this.schedule(event.data.commitmentId, event.data.dueDate, cause, setAtMs);
        return;
      case 'commitment.lapsed':
        await this.unschedule(event.data.commitmentId, event.data.dueDate, 'reminders');
        return;
      case 'commitment.fulfilled':
      case 'commitment.withdrawn': {
        const { state } = await this.repository.load(event.data.commitmentId);
        if (state.exists && state.status === event.type.slice('commitment.'.length))
          await this.unschedule(event.data.commitmentId, state.dueDate);
        return;
      }
      default:
        return;
    }
  }

  /** The worker: re-read, and append only if still true (a second firing appends nothing). */
  private async fire(job: Job<LapseJob>): Promise<void> {
    const { commitmentId, dueAtMs, leadMs } = job.data;
    const atMs = leadMs === undefined ? dueAtMs : dueAtMs - leadMs;
    // A Redis clock a little ahead of ours fires early: wait for the instant rather than skip it.
    const early = atMs - Date.now();
    if (early > 0 && early < 5_000) await new Promise((r) => setTimeout(r, early));
    const now = new Date();
    const { state } = await this.repository.load(commitmentId);
    if (leadMs === undefined) {
      if (!isLapseDue(state, now)) return;
      await this.lapse(commitmentId, now, job.data.cause, 'timer');
      return;
    }
    // A reminder of an older due date (the commitment was extended since) is stale.
    if (!state.exists || dueInstantOf(state.dueDate).getTime() !== dueAtMs) return;
    if (reminderBlocker(state, leadMs, this.reminderLeadsMs, now) !== null) return;
    await this.remind(commitmentId, leadMs, now, job.data.cause, 'timer');
  }

  private metadataFor(now: Date, cause: LapseJob['cause'], reason: string): AppendMetadata {
    return cause
      ? metadataCausedBy(cause, SCHEDULER_ACTOR, now, reason)
      : {
          actor: SCHEDULER_ACTOR,
          role: 'system',
          institution: null,
          correlationId: randomUUID(),
          causationId: null,
          occurredAt: now.toISOString(),
          reason,
        };
  }

  private async remind(
    commitmentId: string,
    leadMs: number,
    now: Date,
    cause: LapseJob['cause'],
    by: 'timer' | 'reconciliation',
  ): Promise<boolean> {
    const { state } = await this.repository.load(commitmentId);
    if (!state.exists) return false;
    const lateByMs = Math.max(0, now.getTime() - (dueInstantOf(state.dueDate).getTime() - leadMs));
    const result = await this.commands.execute(
      new ChangeCommitmentCommand(
        { type: 'remind-deadline', commitmentId, leadMs, leadsMs: this.reminderLeadsMs },
        this.metadataFor(now, cause, `reminded by ${by}; leadMs=${leadMs}; lateByMs=${lateByMs}`),
        null,
        undefined,
      ),
    );
    if (result.changed) this.reminderLateness.observe(lateByMs / 1000);
    return result.changed;
  }

  private async lapse(
    commitmentId: string,
    now: Date,
    cause: LapseJob['cause'],
    by: 'timer' | 'reconciliation',
  ): Promise<void> {
    const { state } = await this.repository.load(commitmentId);
    if (!state.exists) return;
    const lateByMs = Math.max(0, now.getTime() - dueInstantOf(state.dueDate).getTime());
    const metadata = this.metadataFor(now, cause, `lapsed by ${by}; lateByMs=${lateByMs}`);
    const result = await this.commands.execute(
      new ChangeCommitmentCommand({ type: 'mark-lapsed', commitmentId }, metadata, null, undefined),
    );
    if (result.changed) this.lateness.observe(lateByMs / 1000);
  }

  /**
   * Rebuilds the expected schedule from the read model: open commitments past their due instant lapse
   * now (late, lateness recorded); a reminder whose instant passed meanwhile is sent now (late; only the
   * shortest such lead, and none once the due instant passed); future lapses and reminders are
   * (re)scheduled under their deterministic job ids.
   */
  reconcile(): Promise<void> {
    this.reconciling ??= this.reconcileOnce().finally(() => {
      this.reconciling = null;
    });
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    const now = new Date();
    const open = await this.db
      .collection<CommitmentView & { _id: string }>(COMMITMENTS_VIEW)
      .find(
        { status: 'open' },
        {
          projection: {
            commitmentId: 1,
            dueDate: 1,
            dueAt: 1,
            dueSetAt: 1,
            createdAt: 1,
            remindedLeadsMs: 1,
          },
        },
      )
      // Read whole, not iterated while writing: FerretDB does not like long-lived cursors (ADR 0005).
      .toArray();
    let late = 0;
    let lateReminders = 0;
    let scheduled = 0;
    let batch: ReturnType<typeof jobsFor> = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const at = Date.now();
      await this.jobs.addBulk(
        batch.map((j) => ({
          name: j.name,
          data: j.data,
          opts: { jobId: j.jobId, delay: Math.max(0, j.atMs - at) },
        })),
      );
      scheduled += batch.length;
      batch = [];
    };
    for (const view of open) {
      if (Date.parse(view.dueAt) <= now.getTime()) {
        const { state } = await this.repository.load(view.commitmentId);
        if (!isLapseDue(state, now)) continue;
        await this.lapse(view.commitmentId, now, null, 'reconciliation').catch((err: unknown) =>
          this.logger.error({ err, commitmentId: view.commitmentId }, 'late lapse failed'),
        );
        late++;
      } else {
        const dueAtMs = Date.parse(view.dueAt);
        const setAtMs = Date.parse(view.dueSetAt ?? view.createdAt);
        // A reminder whose instant passed while we were down (or Redis lost it) and that the read model
        // does not show as sent: the aggregate decides whether it is still news.
        const passed = this.reminderLeadsMs.filter(
          (l) => dueAtMs - l > setAtMs && dueAtMs - l <= now.getTime(),
        );
        const shortest = passed.length > 0 ? Math.min(...passed) : null;
        if (shortest !== null && !(view.remindedLeadsMs ?? []).some((l) => l <= shortest)) {
          const { state } = await this.repository.load(view.commitmentId);
          const lead = dueReminder(state, this.reminderLeadsMs, new Date(setAtMs), now);
          if (lead !== null) {
            const sent = await this.remind(view.commitmentId, lead, now, null, 'reconciliation').catch(
              (err: unknown) => {
                this.logger.error({ err, commitmentId: view.commitmentId }, 'late reminder failed');
                return false;
              },
            );
            if (sent) lateReminders++;
          }
        }
        // Existing job ids are left as they are: re-adding a scheduled timer is a no-op.
        batch.push(
          ...jobsFor(
            view.commitmentId,
            dueAtMs,
            Math.max(setAtMs, now.getTime()),
            this.reminderLeadsMs,
            null,
          ),
        );
        if (batch.length >= 500) await flush();
      }
    }
    await flush();
    if (late > 0 || lateReminders > 0)
      this.logger.warn({ late, lateReminders, scheduled }, 'deadline reconciliation fired overdue timers');
  }
}
