/*
 * The commitments service with its deadline timers, in a child process of a test (libs/testing runWorker).
 * With `killAtFire`, it kills itself with SIGKILL the moment a lapse job of the given commitment turns
 * active in BullMQ: a crash at fire time, before or while the lapse is appended.
 */
import 'reflect-metadata';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { startApp, type BaseConfig } from '@tracker/platform';
import { CommitmentsModule } from '../commitments.module';
import { deadlineQueueName } from '../infrastructure/deadline-scheduler';

interface Args {
  readonly config: BaseConfig;
  readonly reconcileIntervalMs: number;
  /** Kill this process when a lapse job of this commitment becomes active. */
  readonly killAtFireOf?: string;
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
  const { url } = await startApp(
    CommitmentsModule.forRoot(args.config, { timers: true, reconcileIntervalMs: args.reconcileIntervalMs }),
    args.config,
  );
  out({ url, pid: process.pid });
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
