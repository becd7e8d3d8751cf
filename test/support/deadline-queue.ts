import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { waitFor } from '@tracker/testing';
import { deadlineQueueName } from '../../apps/commitments/src/infrastructure/deadline-jobs';

type DeadlineQueue = Queue<{ commitmentId: string }>;

/** Opens the commitments service's deadline queue of a stack, runs `work` on it, and closes it. */
export const withDeadlineQueue = async <T>(
  redisUrl: string,
  topicPrefix: string,
  work: (queue: DeadlineQueue) => Promise<T>,
): Promise<T> => {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue: DeadlineQueue = new Queue(deadlineQueueName(topicPrefix), { connection: redis });
  try {
    return await work(queue);
  } finally {
    await queue.close();
    await redis.quit();
  }
};

/** Waits until a delayed job is pending for every one of these commitments. */
export const waitUntilScheduled = (queue: DeadlineQueue, ids: readonly string[], timeoutMs: number) => {
  const mine = new Set(ids);
  return waitFor(
    async () => {
      const delayed = await queue.getDelayed(0, -1);
      return delayed.filter((j) => mine.has(j.data.commitmentId)).length === ids.length ? true : undefined;
    },
    { timeoutMs, what: `the ${ids.length} timers to be scheduled` },
  );
};
