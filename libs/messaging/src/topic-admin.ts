import type { Admin, Kafka } from 'kafkajs';

const LEADERS_TIMEOUT_MS = 60_000;

const errorType = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'type' in err && typeof err.type === 'string'
    ? err.type
    : undefined;

/**
 * Waits until every partition of `topics` has a leader. kafkajs's own `waitForLeaders` gives up on
 * UNKNOWN_TOPIC_OR_PARTITION, which a freshly started KRaft broker answers for a moment after
 * CreateTopics succeeded (seen in CI when two suites created topics at once) — here it is a reason to
 * ask again, not a failure.
 */
const waitForLeaders = async (admin: Admin, topics: readonly string[]): Promise<void> => {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const ready = meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (ready && meta.length === topics.length) return;
      if (Date.now() > deadline)
        throw new Error(`topics without a leader after ${LEADERS_TIMEOUT_MS} ms: ${topics.join(', ')}`);
    } catch (err) {
      const type = errorType(err);
      const retriable =
        type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
        type === 'LEADER_NOT_AVAILABLE' ||
        type === 'NOT_LEADER_FOR_PARTITION';
      if (!retriable || Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, delay));
  }
};

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
    // Another process may create the same topics at the same moment: createTopics then answers false
    // (TOPIC_ALREADY_EXISTS), and both wait for the leaders below.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        configEntries: [{ name: 'retention.ms', value: '-1' }],
      })),
    });
    await waitForLeaders(admin, missing);
  } finally {
    await admin.disconnect();
  }
};
