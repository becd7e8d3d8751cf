import type { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { prefixedTopic, type StoredEvent, type TopicName } from '@tracker/contracts';
import { type ConsumerRunnerOptions, KafkaConsumerRunner } from '@tracker/messaging';
import type { BaseConfig } from './config';
import { runInEventContext } from './event-context';

export interface EventReactorOptions extends Pick<
  ConsumerRunnerOptions,
  'maxAttempts' | 'backoffMs' | 'maxBackoffMs'
> {
  /** The consumer group, after the namespace's topic prefix: `<service>.<reactor>`. */
  readonly group: string;
  readonly topics: readonly TopicName[];
  readonly handle: (event: StoredEvent) => Promise<void>;
  /** The owner's logger: the consumer's lines say whose they are. */
  readonly logger: Logger;
}

/**
 * A Kafka consumer that reacts to events (the deadline scheduler, the alert feed, the lapse mailer),
 * as opposed to a projection (service-lifecycle.ts): the namespace's topics and group, each event
 * handled in its own context (the commands it causes carry it, event-context.ts), its log lines on the
 * owner's logger. Not started: the owner starts and stops it with its own lifecycle.
 */
export const eventReactor = (
  kafka: Kafka,
  config: Pick<BaseConfig, 'KAFKA_TOPIC_PREFIX'>,
  { group, topics, handle, logger, ...retries }: EventReactorOptions,
): KafkaConsumerRunner =>
  new KafkaConsumerRunner(kafka, {
    groupId: `${config.KAFKA_TOPIC_PREFIX}${group}`,
    topics: topics.map((t) => prefixedTopic(config.KAFKA_TOPIC_PREFIX, t)),
    handler: (event) => runInEventContext(event, () => handle(event)),
    log: (level, message, extra) => logger[level === 'info' ? 'log' : level](extra, message),
    ...retries,
  });
