import { MongoClient } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import { MongoEventStore, OutboxRelay } from '@tracker/event-store';
import { MongoProjectionStore, type Projection } from '@tracker/projections';
import { appendMetadata, runWorker, testNamespace, waitFor } from '@tracker/testing';
import { createKafka } from './kafka-client';
import { KafkaEventPublisher } from './kafka-event-publisher';
import { ensureTopics } from './topic-admin';

const CRASHING_RELAY = 'libs/event-store/src/testing/crashing-relay.worker.ts';

/** A projection that counts the events it saw per stream; redelivery must not change it. */
const tally: Projection<{ count: number; lastN: number }> = {
  name: 'tally',
  route: (e) => [e.streamId],
  apply: (doc, e) => ({ count: (doc?.count ?? 0) + 1, lastN: (e.data as { n: number }).n }),
};

describe('outbox relay killed between publish and checkpoint', () => {
  const ns = testNamespace();
  const topic = `${ns.topicPrefix}relay-crash`;
  const brokers = process.env.KAFKA_BROKERS!.split(',');
  const kafka = createKafka({ brokers, clientId: 'relay-crash-test', topicPrefix: '' });
  let client: MongoClient;

  beforeAll(async () => {
    client = await MongoClient.connect(process.env.MONGO_URL!);
    await ensureTopics(kafka, [topic], 1);
  });
  afterAll(async () => {
    await client.db(ns.db('relay')).dropDatabase();
    await client.db(ns.db('tally')).dropDatabase();
    await client.close();
  });

  it('publishes every event after a SIGKILL and restart; a projection fed the duplicates is unchanged', async () => {
    const db = client.db(ns.db('relay'));
    const store = new MongoEventStore(db);
    await store.init();
    const meta = appendMetadata();
    for (let i = 1; i <= 60; i += 1) {
      const streamId = `thing-${i % 6}`;
      const version = (await store.readStream(streamId)).length;
      await store.append({
        streamId,
        expectedVersion: version,
        events: [{ type: 'thing.counted', schemaVersion: 1, data: { n: i } }],
        metadata: meta,
      });
    }

    // First relay: publishes one batch (at most 25), then dies by SIGKILL before saving its checkpoint.
    const crashing = runWorker(CRASHING_RELAY, {
      mongoUrl: process.env.MONGO_URL,
      db: ns.db('relay'),
      brokers,
      topic,
      crashAfterPublishes: 1,
      batchSize: 25,
    });
    const { signal, lines } = await crashing.done;
    expect(signal).toBe('SIGKILL');
    // A round claims at most 25; fewer when a stream's earlier commit was not among those it fetched.
    const firstBatch = (lines[0] as { published: number }).published;
    expect(firstBatch).toBeGreaterThan(0);
    expect(firstBatch).toBeLessThanOrEqual(25);

    // Restarted relay (in this process) resumes from the checkpoint that never moved.
    const publisher = new KafkaEventPublisher(kafka, topic);
    const relay = new OutboxRelay(db, store, publisher, {
      name: 'crash-test',
      owner: 'restarted',
      batchSize: 25,
      leaseTtlMs: 1_000,
    });
    await waitFor(
      async () => ((await relay.tick()) === 0 && (await relay.checkpoint()) === 60 ? true : undefined),
      {
        timeoutMs: 30_000,
        what: 'the restarted relay to publish everything',
      },
    );
    await publisher.disconnect();

    // Read the whole topic back.
    const received: StoredEvent[] = [];
    const consumer = kafka.consumer({ groupId: `${ns.id}-reader`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void received.push(JSON.parse(message.value!.toString()) as StoredEvent),
    });
    await waitFor(async () => (new Set(received.map((e) => e.eventId)).size === 60 ? true : undefined), {
      what: 'all 60 events on Kafka',
    });
    await new Promise((r) => setTimeout(r, 500));
    await consumer.disconnect();

    const stored = await store.readAll(0, 1_000);
    expect(new Set(received.map((e) => e.eventId))).toEqual(new Set(stored.map((e) => e.eventId)));
    // The crash made the first batch go out twice: at-least-once, never lost.
    expect(received.length).toBe(60 + firstBatch);
    for (let s = 0; s < 6; s += 1) {
      const versions = received.filter((e) => e.streamId === `thing-${s}`).map((e) => e.version);
      expect([...new Set(versions)]).toEqual(
        versions.filter((v, i) => versions.indexOf(v) === i).sort((a, b) => a - b),
      );
    }

    // A projection fed everything received (duplicates included) equals one fed each event once.
    const withDuplicates = new MongoProjectionStore(tally, client.db(ns.db('tally')), 'with_duplicates');
    const once = new MongoProjectionStore(tally, client.db(ns.db('tally')), 'once');
    for (const e of received) await withDuplicates.applyBatch([e]);
    await once.applyBatch(stored);
    const strip = (docs: Record<string, unknown>[]) =>
      docs.map(({ _rev: _r, ...d }) => d).sort((a, b) => String(a._id).localeCompare(String(b._id)));
    const a = strip(await withDuplicates.collection.find().toArray());
    const b = strip(await once.collection.find().toArray());
    expect(a).toEqual(b);
    expect(a.reduce((n, d) => n + (d.count as number), 0)).toBe(60);
  });
});
