import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { Gauge, Histogram, type Registry } from 'prom-client';
import {
  commitmentEvents,
  type CommitmentEvent,
  dueInstantOf,
  prefixedTopic,
  Topics,
  type StoredEvent,
} from '@tracker/contracts';
import type { AppendMetadata } from '@tracker/event-store';
import { bullmqConnection, KafkaConsumerRunner, queueDepthGauge } from '@tracker/messaging';
import {
  type BaseConfig,
  DEFAULT_REDIS_URL,
  KAFKA,
  METRICS_REGISTRY,
  MONGO_DB,
  metadataCausedBy,
  runInEventContext,
  SERVICE_CONFIG,
} from '@tracker/platform';
import { ChangeCommitmentCommand } from '../application/change-commitment/change-commitment.command';
import { isLapseDue } from '../domain/commitment';
import { CommitmentRepository } from './commitment.repository';
import { COMMITMENTS_VIEW, type CommitmentView } from './commitments-view.projection';

export const SCHEDULER_ACTOR = 'system:scheduler';

export interface DeadlineOptions {
  /** Default true; false leaves lapsing to operators (POST /lapse). */
  readonly timers?: boolean;
  /** How often the schedule is rebuilt from the read model; default DEADLINE_RECONCILE_INTERVAL_MS or 60 s. */
  readonly reconcileIntervalMs?: number;
}
export const DEADLINE_OPTIONS = Symbol('DEADLINE_OPTIONS');

/** The BullMQ queue holding a namespace's deadline jobs. */
export const deadlineQueueName = (topicPrefix: string): string =>
  `${topicPrefix}commitments-deadlines`.replace(/:/g, '_');

/** Deterministic: the same commitment and due instant is one job, however often it is scheduled. */
export const lapseJobId = (commitmentId: string, dueAtMs: number): string =>
  `lapse:${commitmentId}:${dueAtMs}`;

interface LapseJob {
  readonly commitmentId: string;
  readonly dueAtMs: number;
  /** The event that caused the schedule, for correlation; null when reconciliation scheduled it. */
  readonly cause: Pick<StoredEvent, 'eventId' | 'metadata'> | null;
}

/** Events after which the commitment may be open with a (new) due instant. */
const SCHEDULING_EVENTS = new Set([
  'commitment.created',
  'commitment.due-date-extended',
  'commitment.reopened',
]);

const intFromEnv = (name: string, fallback: number): number => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

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
  private readonly queueName: string;
  private readonly connections: Redis[] = [];
  private queue: Queue<LapseJob> | null = null;
  private worker: Worker<LapseJob> | null = null;
  private consumer: KafkaConsumerRunner | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reconciling: Promise<void> | null = null;
  private readonly lateness: Histogram;
  private readonly depth: Gauge;
  readonly reconcileIntervalMs: number;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: BaseConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly repository: CommitmentRepository,
    private readonly commands: CommandBus,
    @Inject(DEADLINE_OPTIONS) options: DeadlineOptions,
  ) {
    this.reconcileIntervalMs =
      options.reconcileIntervalMs ?? intFromEnv('DEADLINE_RECONCILE_INTERVAL_MS', 60_000);
    // Per topic prefix: test namespaces (and environments sharing a Redis) do not see each other's jobs.
    this.queueName = deadlineQueueName(config.KAFKA_TOPIC_PREFIX);
    this.lateness = new Histogram({
      name: 'tracker_deadline_lateness_seconds',
      help: 'how late a lapse was appended after its due instant',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 30, 300, 3600],
      registers: [registry],
    });
    this.depth = queueDepthGauge(
      registry,
      'tracker_deadline_queue_depth',
      'deadline jobs waiting (delayed + waiting + active)',
      () => this.queue,
    );
  }

  private connection(): Redis {
    const redis = bullmqConnection(
      this.config.REDIS_URL ?? DEFAULT_REDIS_URL,
      `${this.config.INSTANCE_ID}:deadlines`,
      (err) => this.logger.warn({ err }, 'deadline queue redis error'),
    );
    this.connections.push(redis);
    return redis;
  }

  /** The BullMQ queue (tests obliterate it to simulate Redis losing its data). */
  get jobs(): Queue<LapseJob> {
    if (!this.queue) throw new Error('deadline scheduler not started');
    return this.queue;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.queue = new Queue<LapseJob>(this.queueName, {
      connection: this.connection(),
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { count: 1000 },
        // Failed jobs stay (visible in the queue and in the log), not silently dropped.
        removeOnFail: { count: 10_000 },
      },
    });
    this.worker = new Worker<LapseJob>(this.queueName, (job) => this.fire(job), {
      connection: this.connection(),
      concurrency: 16,
    });
    this.worker.on('failed', (job, err) =>
      this.logger.error({ err, jobId: job?.id, attempts: job?.attemptsMade }, 'deadline job failed'),
    );
    this.worker.on('error', (err) => this.logger.warn({ err }, 'deadline worker error'));

    this.consumer = new KafkaConsumerRunner(this.kafka, {
      groupId: `${this.config.KAFKA_TOPIC_PREFIX}commitments.deadline-scheduler`,
      topics: [prefixedTopic(this.config.KAFKA_TOPIC_PREFIX, Topics.commitments)],
      handler: (event) => runInEventContext(event, () => this.onEvent(event)),
      log: (level, message, extra) => this.logger[level === 'info' ? 'log' : level](extra, message),
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
    await this.worker?.close().catch(() => undefined);
    await this.queue?.close().catch(() => undefined);
    await Promise.allSettled(this.connections.map((c) => c.quit()));
  }

  /** Schedules (idempotently) the lapse at the due instant; a past instant fires at once. */
  async schedule(commitmentId: string, dueDate: string, cause: LapseJob['cause']): Promise<void> {
    const dueAtMs = dueInstantOf(dueDate).getTime();
    await this.jobs.add(
      'lapse',
      { commitmentId, dueAtMs, cause },
      { jobId: lapseJobId(commitmentId, dueAtMs), delay: Math.max(0, dueAtMs - Date.now()) },
    );
  }

  private async onEvent(stored: StoredEvent): Promise<void> {
    if (!SCHEDULING_EVENTS.has(stored.type) || !commitmentEvents.has(stored.type)) return;
    const event = commitmentEvents.parse<CommitmentEvent>(stored);
    // Straight from the event, no read: a timer made stale by a later event (redelivery, extension,
    // fulfilment) fires, re-reads the aggregate and does nothing.
    if (
      event.type === 'commitment.created' ||
      event.type === 'commitment.due-date-extended' ||
      event.type === 'commitment.reopened'
    )
      await this.schedule(event.data.commitmentId, event.data.dueDate, {
        eventId: stored.eventId,
        metadata: stored.metadata,
      });
  }

  /** The worker: re-read, and lapse only if still due (a second firing appends nothing). */
  private async fire(job: Job<LapseJob>): Promise<void> {
    // A Redis clock a little ahead of ours fires early: wait for the instant rather than skip it.
    const early = job.data.dueAtMs - Date.now();
    if (early > 0 && early < 5_000) await new Promise((r) => setTimeout(r, early));
    const now = new Date();
    const { commitmentId } = job.data;
    const { state } = await this.repository.load(commitmentId);
    if (!isLapseDue(state, now)) return;
    await this.lapse(commitmentId, now, job.data.cause, 'timer');
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
    const reason = `lapsed by ${by}; lateByMs=${lateByMs}`;
    const metadata: AppendMetadata = cause
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
    const result = await this.commands.execute(
      new ChangeCommitmentCommand({ type: 'mark-lapsed', commitmentId }, metadata, null, undefined),
    );
    if (result.changed) this.lateness.observe(lateByMs / 1000);
  }

  /**
   * Rebuilds the expected schedule from the read model: open commitments past their due instant lapse
   * now (late, lateness recorded); future ones are (re)scheduled under their deterministic job ids.
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
      .find({ status: 'open' }, { projection: { commitmentId: 1, dueDate: 1, dueAt: 1 } })
      // Read whole, not iterated while writing: FerretDB does not like long-lived cursors (ADR 0005).
      .toArray();
    let late = 0;
    let scheduled = 0;
    let batch: { commitmentId: string; dueDate: string }[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const at = Date.now();
      await this.jobs.addBulk(
        batch.map(({ commitmentId, dueDate }) => {
          const dueAtMs = dueInstantOf(dueDate).getTime();
          return {
            name: 'lapse',
            data: { commitmentId, dueAtMs, cause: null },
            opts: { jobId: lapseJobId(commitmentId, dueAtMs), delay: Math.max(0, dueAtMs - at) },
          };
        }),
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
        // Existing job ids are left as they are: re-adding a scheduled deadline is a no-op.
        batch.push({ commitmentId: view.commitmentId, dueDate: view.dueDate });
        if (batch.length >= 500) await flush();
      }
    }
    await flush();
    if (late > 0) this.logger.warn({ late, scheduled }, 'deadline reconciliation lapsed overdue commitments');
  }
}
