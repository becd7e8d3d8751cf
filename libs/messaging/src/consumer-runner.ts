import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { StoredEvent } from '@tracker/contracts';
import { deadLetterTopic } from '@tracker/contracts';

export type EventHandler = (event: StoredEvent, topic: string) => Promise<void>;
export type BatchEventHandler = (events: readonly StoredEvent[], topic: string) => Promise<void>;

export interface ConsumerRunnerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handler: EventHandler;
  /**
   * Optional: handles a run of consecutive messages at once (one read-model read and write instead of
   * one per message). If it throws, the run is handled again message by message with `handler`, so a
   * poison message still ends alone in the dead-letter topic; both must therefore be idempotent.
   */
  readonly batchHandler?: BatchEventHandler;
  /** Most messages given to `batchHandler` at once. */
  readonly maxBatch?: number;
  /** Attempts before a message goes to `<topic>.dlq` (1 = no retry). */
  readonly maxAttempts?: number;
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly fromBeginning?: boolean;
  /** Kafka session timeout (default 30 s): a consumer silent for longer is thrown out of its group. */
  readonly sessionTimeoutMs?: number;
  readonly log?: (level: 'error' | 'warn' | 'info', message: string, extra?: object) => void;
  readonly onDeadLetter?: (topic: string, message: KafkaMessage, error: unknown) => void;
  readonly onHandled?: (event: StoredEvent, topic: string) => void;
}

export const DLQ_HEADERS = {
  error: 'dlq-error',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

class MalformedMessageError extends Error {}

const parseEvent = (message: KafkaMessage): StoredEvent => {
  if (!message.value) throw new MalformedMessageError('message has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value.toString('utf8'));
  } catch {
    throw new MalformedMessageError('message value is not JSON');
  }
  const e = parsed as Partial<StoredEvent> | null;
  if (!e || typeof e.streamId !== 'string' || typeof e.version !== 'number' || typeof e.type !== 'string') {
    throw new MalformedMessageError('message is not a stored event');
  }
  return e as StoredEvent;
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a Kafka consumer group whose handler writes a read model. The offset of a message is resolved
 * (and so committed) only after the handler returned; a handler that keeps failing is retried with
 * backoff, then the message goes to the dead-letter topic with the error and its original headers, and
 * the partition flows on. Heartbeats continue while a slow handler or a backoff runs. Why not a NestJS
 * custom transport: see docs/adr/0003-consumer-runner.md.
 */
export class KafkaConsumerRunner {
  private readonly consumer: Consumer;
  private readonly dlqProducer: Producer;
  private started = false;

  constructor(
    kafka: Kafka,
    private readonly options: ConsumerRunnerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    this.dlqProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    // Every (re)join is worth a line: more than one per start means sessions expired or members churned.
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) =>
      options.log?.('info', 'joined consumer group', {
        groupId: options.groupId,
        memberId: e.payload.memberId,
        partitions: e.payload.memberAssignment,
      }),
    );
  }

  async start(): Promise<void> {
    await this.dlqProducer.connect();
    await this.consumer.connect();
    for (const topic of this.options.topics) {
      await this.consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    }
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.started = true;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    // disconnect() lets the batch in flight finish and commits resolved offsets before leaving the group.
    await this.consumer.disconnect();
    await this.dlqProducer.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const one = async (message: KafkaMessage): Promise<void> => {
      await this.handleWithRetries(batch.topic, batch.partition, message, heartbeat);
      payload.resolveOffset(message.offset);
      await payload.commitOffsetsIfNecessary();
      await heartbeat();
    };
    const { batchHandler } = this.options;
    if (!batchHandler) {
      for (const message of batch.messages) {
        if (!payload.isRunning() || payload.isStale()) return;
        await one(message);
      }
      return;
    }
    const max = this.options.maxBatch ?? 500;
    let run: { message: KafkaMessage; event: StoredEvent }[] = [];
    const flush = async (): Promise<void> => {
      if (run.length === 0) return;
      const current = run;
      run = [];
      const beat = setInterval(() => void heartbeat().catch(() => undefined), 1_000);
      let ok = true;
      try {
        await batchHandler(
          current.map((m) => m.event),
          batch.topic,
        );
      } catch (err) {
        ok = false;
        this.options.log?.('warn', 'batch handler failed, handling the run message by message', {
          topic: batch.topic,
          partition: batch.partition,
          messages: current.length,
          error: err instanceof Error ? err.message : String(err),
        });
      } finally {
        clearInterval(beat);
      }
      if (!ok) {
        for (const m of current) {
          if (!payload.isRunning() || payload.isStale()) return;
          await one(m.message);
        }
        return;
      }
      for (const m of current) this.options.onHandled?.(m.event, batch.topic);
      payload.resolveOffset(current[current.length - 1]!.message.offset);
      await payload.commitOffsetsIfNecessary();
      await heartbeat();
    };
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) return;
      let event: StoredEvent;
      try {
        event = parseEvent(message);
      } catch {
        // Malformed: everything before it first, then it alone (straight to the dead-letter topic).
        await flush();
        if (!payload.isRunning() || payload.isStale()) return;
        await one(message);
        continue;
      }
      run.push({ message, event });
      if (run.length >= max) await flush();
    }
    if (payload.isRunning() && !payload.isStale()) await flush();
  }

  private async handleWithRetries(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const base = this.options.backoffMs ?? 100;
    const cap = this.options.maxBackoffMs ?? 2_000;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const beat = setInterval(() => void heartbeat().catch(() => undefined), 1_000);
      try {
        const event = parseEvent(message);
        await this.options.handler(event, topic);
        this.options.onHandled?.(event, topic);
        return;
      } catch (err) {
        lastError = err;
        if (err instanceof MalformedMessageError) break;
        this.options.log?.('warn', 'handler failed, will retry', {
          topic,
          partition,
          offset: message.offset,
          attempt,
          error: err instanceof Error ? err.message : String(err),
        });
        if (attempt < maxAttempts) await sleep(Math.min(cap, base * 2 ** (attempt - 1)));
      } finally {
        clearInterval(beat);
      }
    }
    await this.deadLetter(topic, partition, message, lastError, maxAttempts);
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      [DLQ_HEADERS.error]: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      [DLQ_HEADERS.originalTopic]: topic,
      [DLQ_HEADERS.originalPartition]: String(partition),
      [DLQ_HEADERS.originalOffset]: message.offset,
      [DLQ_HEADERS.attempts]: String(attempts),
      [DLQ_HEADERS.failedAt]: new Date().toISOString(),
    };
    // If this send fails the batch is not resolved and Kafka redelivers: nothing is dropped silently.
    await this.dlqProducer.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    this.options.log?.('error', 'message sent to dead-letter topic', {
      topic,
      partition,
      offset: message.offset,
    });
    this.options.onDeadLetter?.(topic, message, error);
  }
}
