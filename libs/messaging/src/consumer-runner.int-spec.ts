import type { KafkaMessage } from 'kafkajs';
import { deadLetterTopic, type StoredEvent } from '@tracker/contracts';
import { testNamespace, waitFor } from '@tracker/testing';
import { createKafka } from './kafka-client';
import { DLQ_HEADERS, KafkaConsumerRunner } from './consumer-runner';
import { ensureTopics } from './topic-admin';

const event = (streamId: string, version: number, data: object): StoredEvent => ({
  eventId: `${streamId}-${version}`,
  streamId,
  version,
  position: version,
  type: 'thing.happened',
  schemaVersion: 1,
  data,
  metadata: {
    actor: 'a',
    role: 'r',
    correlationId: 'corr-1',
    causationId: null,
    occurredAt: '',
    recordedAt: '',
  },
  prevHash: '',
  hash: '',
});

describe(KafkaConsumerRunner.name, () => {
  const ns = testNamespace();
  const topics = { single: `${ns.topicPrefix}poison`, batched: `${ns.topicPrefix}poison-batched` };
  const slowTopics = { single: `${ns.topicPrefix}slow`, batched: `${ns.topicPrefix}slow-batched` };
  const kafka = createKafka({
    brokers: process.env.KAFKA_BROKERS!.split(','),
    clientId: 'poison-test',
    topicPrefix: '',
  });

  beforeAll(async () => {
    const all = [...Object.values(topics), ...Object.values(slowTopics)];
    await ensureTopics(kafka, [...all, ...all.map(deadLetterTopic)], 1);
  });

  it.each(['single', 'batched'] as const)(
    'sends a poison event to the DLQ after its retries, and the events behind it are still handled (%s)',
    async (mode) => {
      const topic = topics[mode];
      const producer = kafka.producer();
      await producer.connect();
      const messages = [
        event('s', 1, { ok: true }),
        event('s', 2, { poison: true }),
        event('s', 3, { ok: true }),
        event('s', 4, { ok: true }),
      ].map((e) => ({ key: e.streamId, value: JSON.stringify(e), headers: { 'correlation-id': 'corr-1' } }));
      await producer.send({
        topic,
        messages: [...messages, { key: 's', value: 'not json at all', headers: {} }],
      });
      await producer.disconnect();

      const handled: number[] = [];
      const attempts = new Map<number, number>();
      const batches: number[] = [];
      const sut = new KafkaConsumerRunner(kafka, {
        groupId: `${ns.id}-projection-${mode}`,
        topics: [topic],
        maxAttempts: 3,
        backoffMs: 20,
        handler: async (e) => {
          attempts.set(e.version, (attempts.get(e.version) ?? 0) + 1);
          if ((e.data as { poison?: boolean }).poison) throw new Error('cannot project this');
          handled.push(e.version);
        },
        // Batched: a run holding the poison fails as a whole, then goes message by message.
        ...(mode === 'batched'
          ? {
              batchHandler: async (events: readonly StoredEvent[]) => {
                batches.push(events.length);
                if (events.some((e) => (e.data as { poison?: boolean }).poison))
                  throw new Error('a poison in the run');
                handled.push(...events.map((e) => e.version));
              },
            }
          : {}),
      });
      const dlq: KafkaMessage[] = [];
      const dlqConsumer = kafka.consumer({ groupId: `${ns.id}-dlq-${mode}`, maxWaitTimeInMs: 100 });
      await dlqConsumer.connect();
      await dlqConsumer.subscribe({ topic: deadLetterTopic(topic), fromBeginning: true });
      await dlqConsumer.run({ eachMessage: async ({ message }) => void dlq.push(message) });
      await sut.start();
      try {
        await waitFor(async () => (handled.length === 3 && dlq.length === 2 ? true : undefined), {
          what: 'handled events and DLQ messages',
        });
      } finally {
        await sut.stop();
        await dlqConsumer.disconnect();
      }

      expect(handled).toEqual([1, 3, 4]);
      expect(attempts.get(2)).toBe(3);
      const poison = dlq.find((m) => m.value?.toString().includes('"poison":true'))!;
      expect(poison.headers?.[DLQ_HEADERS.error]?.toString()).toContain('cannot project this');
      expect(poison.headers?.[DLQ_HEADERS.attempts]?.toString()).toBe('3');
      expect(poison.headers?.[DLQ_HEADERS.originalTopic]?.toString()).toBe(topic);
      expect(poison.headers?.['correlation-id']?.toString()).toBe('corr-1'); // original headers kept
      const malformed = dlq.find((m) => m.value?.toString() === 'not json at all')!;
      expect(malformed.headers?.[DLQ_HEADERS.error]?.toString()).toContain('not JSON');
      if (mode === 'batched') expect(batches.length).toBeGreaterThan(0);
    },
  );

  it.each(['single', 'batched'] as const)(
    'keeps its group membership through a handler slower than the session timeout: no rebalance, each message once (%s)',
    async (mode) => {
      const topic = slowTopics[mode];
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic,
        messages: [1, 2, 3].map((v) => ({ key: 's', value: JSON.stringify(event('s', v, { v })) })),
      });
      await producer.disconnect();

      const SESSION_MS = 6_000; // the broker's smallest allowed (group.min.session.timeout.ms)
      const handled: number[] = [];
      const joins: number[] = [];
      const slow = async (versions: number[]): Promise<void> => {
        // 2.5 session timeouts without returning: only the runner's own heartbeats keep it in the group.
        if (versions.includes(1)) await new Promise((r) => setTimeout(r, 2.5 * SESSION_MS));
        handled.push(...versions);
      };
      const sut = new KafkaConsumerRunner(kafka, {
        groupId: `${ns.id}-slow-${mode}`,
        topics: [topic],
        sessionTimeoutMs: SESSION_MS,
        handler: (e) => slow([e.version]),
        ...(mode === 'batched' ? { batchHandler: (events) => slow(events.map((e) => e.version)) } : {}),
        log: (_level, message) => {
          if (message === 'joined consumer group') joins.push(Date.now());
        },
      });
      await sut.start();
      try {
        await waitFor(async () => (handled.length >= 3 ? true : undefined), {
          what: 'the three messages',
          timeoutMs: 60_000,
        });
        // Long enough for an expired session to show as a second join and a redelivery.
        await new Promise((r) => setTimeout(r, SESSION_MS));
      } finally {
        await sut.stop();
      }
      expect(handled).toEqual([1, 2, 3]);
      expect(joins).toHaveLength(1);
    },
    90_000,
  );
});
