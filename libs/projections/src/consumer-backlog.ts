/** The two admin calls the backlog needs (a kafkajs Admin has them). */
export interface OffsetsAdmin {
  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]>;
  fetchOffsets(options: {
    groupId: string;
    topics: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

/**
 * A consumer group's backlog over its topics: per partition, the end offset minus the committed offset
 * (the log start when the group has committed nothing there yet), summed. One message = one event.
 */
export const consumerGroupBacklog = async (
  admin: OffsetsAdmin,
  groupId: string,
  topics: readonly string[],
): Promise<number> => {
  const committed = new Map<string, number>();
  for (const t of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    for (const p of t.partitions) committed.set(`${t.topic}/${p.partition}`, Number(p.offset));
  }
  let backlog = 0;
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const high = Number(p.high);
      const low = Number(p.low);
      const done = committed.get(`${topic}/${p.partition}`) ?? -1;
      backlog += Math.max(0, high - (done >= 0 ? Math.max(done, low) : low));
    }
  }
  return backlog;
};
