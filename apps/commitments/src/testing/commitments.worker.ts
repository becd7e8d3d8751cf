/*
 * The commitments service with its deadline timers, in a child process of a test (libs/testing runWorker).
 * With `killAtFire`, it kills itself with SIGKILL the moment a lapse job of the given commitment turns
 * active in BullMQ: a crash at fire time, before or while the lapse is appended. With `killAfterCommit`,
 * it kills itself the moment its first append has committed, before the command's handler returns: a
 * write that committed and was never answered (test/e2e/idempotency-crash.e2e-spec.ts).
 */
import 'reflect-metadata';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { EVENT_STORE, type EventStore } from '@tracker/event-store';
import { startApp, type BaseConfig } from '@tracker/platform';
import { CommitmentsModule } from '../commitments.module';
import { deadlineQueueName } from '../infrastructure/deadline-jobs';

interface Args {
  readonly config: BaseConfig;
  readonly reconcileIntervalMs: number;
  /** Kill this process when a lapse job of this commitment becomes active. */
  readonly killAtFireOf?: string;
  /** Kill this process as soon as an append has committed, before anything answers. */
  readonly killAfterCommit?: boolean;
  /** Deadline timers (default on). */
  readonly timers?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const out = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

const main = async (): Promise<void> => {
  if (args.killAtFireOf) {
    const events = new QueueEvents(deadlineQueueName(args.config.KAFKA_TOPIC_PREFIX), {
      connection: new Redis(args.config.REDIS_URL!, { maxRetriesPerRequest: null }),
    });
    events.on('active', ({ jobId }) => {
      if (jobId.startsWith(`lapse:${args.killAtFireOf}:`)) {
        out({ killing: jobId });
        process.kill(process.pid, 'SIGKILL');
      }
    });
    await events.waitUntilReady();
  }
  const { app, url } = await startApp(
    CommitmentsModule.forRoot(args.config, {
      timers: args.timers ?? true,
      reconcileIntervalMs: args.reconcileIntervalMs,
    }),
    args.config,
  );
  if (args.killAfterCommit) {
    // The handlers' repositories hold this same instance: the next append commits, then the process dies.
    const store = app.get<EventStore>(EVENT_STORE);
    const append = store.append.bind(store);
    store.append = async (request) => {
      const result = await append(request);
      out({ killing: 'after-commit', streamId: request.streamId });
      process.kill(process.pid, 'SIGKILL');
      return result;
    };
  }
  out({ url, pid: process.pid });
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
