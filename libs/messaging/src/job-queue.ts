import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullmqConnection } from './bullmq-support';

export interface JobQueueOptions<T> {
  /** The BullMQ queue name (tests prefix it, as they prefix topics). */
  readonly name: string;
  readonly redisUrl: string;
  /** Names the Redis connections in `CLIENT LIST`. */
  readonly connectionName: string;
  /** Runs a job; a throw is a failed attempt, retried with exponential backoff. */
  readonly process: (job: Job<T>) => Promise<void>;
  readonly attempts: number;
  /** The first retry's delay; BullMQ doubles it at each retry. */
  readonly backoffMs: number;
  /** A job whose worker died is taken up again by another after this (BullMQ's lock, renewed while it runs). */
  readonly lockMs?: number;
  readonly concurrency?: number;
  /** False: the queue only takes jobs; another process runs them. */
  readonly work: boolean;
  /**
   * Which finished jobs BullMQ keeps (default: a week's). While a job is kept, adding its id again
   * queues nothing.
   */
  readonly keepCompleted?: { readonly age: number } | { readonly count: number };
  /** After the last attempt failed. */
  readonly onExhausted?: (job: Job<T>, err: Error) => Promise<void>;
  readonly log: (message: string, extra: object) => void;
}

/**
 * A BullMQ queue with its worker: named connections, bounded retries with exponential backoff, a
 * hook for the job that used its last attempt, and one close for all of it. A job id names the work
 * (e.g. one mail), so adding it again while BullMQ keeps the job queues nothing new.
 */
export class JobQueue<T> {
  private readonly connections: Redis[] = [];
  private worker: Worker<T> | null = null;
  readonly queue: Queue<T>;

  constructor(private readonly options: JobQueueOptions<T>) {
    this.queue = new Queue<T>(options.name, {
      connection: this.connection('queue'),
      defaultJobOptions: {
        attempts: options.attempts,
        backoff: { type: 'exponential', delay: options.backoffMs },
        removeOnComplete: options.keepCompleted ?? { age: 7 * 86_400 },
        removeOnFail: { count: 10_000 },
      },
    });
  }

  private connection(role: string): Redis {
    const redis = bullmqConnection(this.options.redisUrl, `${this.options.connectionName}:${role}`, (err) =>
      this.options.log('job queue redis error', { err, queue: this.options.name }),
    );
    this.connections.push(redis);
    return redis;
  }

  start(): void {
    if (!this.options.work || this.worker) return;
    const lockMs = this.options.lockMs ?? 30_000;
    this.worker = new Worker<T>(this.options.name, (job) => this.options.process(job), {
      connection: this.connection('worker'),
      concurrency: this.options.concurrency ?? 4,
      lockDuration: lockMs,
      // A stalled job (its worker died) is looked for as often as the lock lasts.
      stalledInterval: lockMs,
    });
    this.worker.on('failed', (job, err) => {
      this.options.log('job attempt failed', {
        err: err.message,
        jobId: job?.id,
        attempts: job?.attemptsMade,
      });
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
        void this.options.onExhausted?.(job, err).catch(() => undefined);
    });
    this.worker.on('error', (err) => this.options.log('job worker error', { err, queue: this.options.name }));
  }

  async add(jobId: string, data: T): Promise<void> {
    await this.queue.add('run', data, { jobId });
  }

  async close(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    await Promise.allSettled(this.connections.map((c) => c.quit()));
  }
}
