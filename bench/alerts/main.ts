/*
 * npm run bench -- alerts [count] [windowSeconds]
 * 100,000 pending deadlines due within one minute, on the deadline queue exactly as DeadlineScheduler
 * builds it (queue name, deterministic job ids, delays from the due instant, worker concurrency and the
 * early-firing wait), against the Redis in REDIS_URL. Prints p50/p99 lateness and misses, one line each.
 * The worker's processor records when each job fired instead of re-reading and appending: see README.
 */
import { type Job, Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { bullmqConnection } from '@tracker/messaging';
import { DEFAULT_REDIS_URL } from '@tracker/platform';
import { DEFAULT_WORKER_CONCURRENCY } from '../../apps/commitments/src/commitments.config';
import { deadlineQueueName, jobsFor } from '../../apps/commitments/src/infrastructure/deadline-jobs';

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const positional = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const count = Number(positional[0] ?? 100_000);
const windowMs = Number(positional[1] ?? 60) * 1_000;
// As DeadlineScheduler's worker unless asked otherwise.
const CONCURRENCY = Number(flag('concurrency') ?? DEFAULT_WORKER_CONCURRENCY);
const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const log = (msg: string): void => void process.stderr.write(`[bench alerts] ${msg}\n`);

interface LapseJob {
  readonly commitmentId: string;
  readonly dueAtMs: number;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const main = async (): Promise<void> => {
  const prefix = `bench${Date.now().toString(36)}.`;
  const name = deadlineQueueName(prefix);
  const connections = [0, 1].map((i) => bullmqConnection(redisUrl, `bench-alerts-${i}`, () => undefined));
  const queue = new Queue<LapseJob>(name, {
    connection: connections[0]!,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: { count: 10_000 } },
  });
  const fired = new Map<string, number>();
  let duplicates = 0;
  const worker = new Worker<LapseJob>(
    name,
    async (job: Job<LapseJob>) => {
      // What DeadlineScheduler.fire does before it re-reads: wait out a Redis clock slightly ahead.
      const early = job.data.dueAtMs - Date.now();
      if (early > 0 && early < 5_000) await new Promise((r) => setTimeout(r, early));
      const id = job.id!;
      if (fired.has(id)) duplicates++;
      else fired.set(id, Date.now() - job.data.dueAtMs);
    },
    { connection: connections[1]!, concurrency: CONCURRENCY },
  );

  // Scheduling: addBulk of the lapse jobs, as reconciliation does, 500 at a time.
  const scheduleStart = Date.now();
  const firstDue = scheduleStart + 45_000;
  const ids: string[] = [];
  for (let i = 0; i < count; i += 500) {
    const now = Date.now();
    const batch = [];
    for (let j = i; j < Math.min(count, i + 500); j++) {
      const dueAtMs = firstDue + Math.floor((j / count) * windowMs);
      const [lapse] = jobsFor(randomUUID(), dueAtMs, now, [], null).filter((x) => x.name === 'lapse');
      ids.push(lapse!.jobId);
      batch.push({
        name: lapse!.name,
        data: { commitmentId: lapse!.data.commitmentId, dueAtMs },
        opts: { jobId: lapse!.jobId, delay: Math.max(0, dueAtMs - now) },
      });
    }
    await queue.addBulk(batch);
  }
  const scheduledIn = Date.now() - scheduleStart;
  log(
    `scheduled ${count.toLocaleString('en')} jobs in ${(scheduledIn / 1000).toFixed(1)} s; first due in ${((firstDue - Date.now()) / 1000).toFixed(1)} s, window ${windowMs / 1000} s`,
  );
  if (Date.now() > firstDue)
    log('WARNING: scheduling took longer than the lead-in; early deadlines are late by construction');

  const lastDue = firstDue + windowMs;
  const deadline = lastDue + 10_000;
  while (Date.now() < deadline && fired.size < count) {
    await new Promise((r) => setTimeout(r, 1_000));
    if (Date.now() > firstDue)
      log(`fired ${fired.size.toLocaleString('en')} / ${count.toLocaleString('en')}`);
  }
  const lateness = [...fired.values()].sort((a, b) => a - b);
  const missed = ids.filter((id) => !fired.has(id)).length;
  const lateOver1s = lateness.filter((l) => l > 1_000).length;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await Promise.allSettled(connections.map((c) => c.quit()));

  process.stdout.write(
    `alerts: p50 lateness ${percentile(lateness, 50)} ms (${count.toLocaleString('en')} deadlines in ${windowMs / 1000} s, worker concurrency ${CONCURRENCY})\n`,
  );
  process.stdout.write(
    `alerts: p99 lateness ${percentile(lateness, 99)} ms (max ${lateness[lateness.length - 1]} ms, ${lateOver1s} over 1 s)\n`,
  );
  process.stdout.write(`alerts: misses ${missed} (fired twice: ${duplicates})\n`);
  process.exit(missed === 0 && percentile(lateness, 99) <= 1_000 ? 0 : 1);
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
