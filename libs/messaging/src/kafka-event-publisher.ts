import type { Kafka, Producer } from 'kafkajs';
import type { StoredEvent } from '@tracker/contracts';
import type { EventPublisher } from '@tracker/event-store';

export const EVENT_HEADERS = {
  type: 'event-type',
  schemaVersion: 'event-schema-version',
  eventId: 'event-id',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
} as const;

/**
 * Publishes stored events to one topic, keyed by streamId. Idempotent producer with one request in
 * flight: KafkaJS can reorder retried batches with more (KafkaJS #598), and order per stream is the
 * contract consumers rely on.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  async publish(events: readonly StoredEvent[]): Promise<void> {
    await this.connect();
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: events.map((e) => ({
        key: e.streamId,
        value: JSON.stringify(e),
        headers: {
          [EVENT_HEADERS.type]: e.type,
          [EVENT_HEADERS.schemaVersion]: String(e.schemaVersion),
          [EVENT_HEADERS.eventId]: e.eventId,
          [EVENT_HEADERS.correlationId]: e.metadata.correlationId,
          ...(e.metadata.causationId ? { [EVENT_HEADERS.causationId]: e.metadata.causationId } : {}),
        },
      })),
    });
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }
}
