/** One topic per bounded context; key = streamId so each stream keeps its order. */
export const Topics = {
  recommendations: 'tracker.recommendations.events',
  commitments: 'tracker.commitments.events',
  followUp: 'tracker.follow-up.events',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

/** Tests namespace topics so concurrent suites never share one. */
export const prefixedTopic = (prefix: string, topic: string): string =>
  prefix ? `${prefix}${topic}` : topic;
