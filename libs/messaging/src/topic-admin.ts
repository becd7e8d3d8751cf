import type { Kafka } from 'kafkajs';

/** Creates topics (and their dead-letter topics) with unlimited retention, if missing. Idempotent. */
export const ensureTopics = async (
  kafka: Kafka,
  topics: readonly string[],
  partitions = 3,
): Promise<void> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        configEntries: [{ name: 'retention.ms', value: '-1' }],
      })),
    });
  } finally {
    await admin.disconnect();
  }
};
