/* A relay process that publishes to Kafka and dies by SIGKILL right after a publish, before its checkpoint. */
import { MongoClient } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import { createKafka, KafkaEventPublisher } from '@tracker/messaging';
import { MongoEventStore } from '../mongo-event-store';
import { OutboxRelay, type EventPublisher } from '../outbox-relay';

interface Args {
  mongoUrl: string;
  db: string;
  brokers: string[];
  topic: string;
  crashAfterPublishes: number;
  batchSize: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const out = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

const main = async (): Promise<void> => {
  const client = await MongoClient.connect(args.mongoUrl);
  const db = client.db(args.db);
  const store = new MongoEventStore(db);
  const kafka = createKafka({ brokers: args.brokers, clientId: 'crashing-relay', topicPrefix: '' });
  const kafkaPublisher = new KafkaEventPublisher(kafka, args.topic);
  await kafkaPublisher.connect();
  let publishes = 0;
  const publisher: EventPublisher = {
    publish: async (events: readonly StoredEvent[]) => {
      await kafkaPublisher.publish(events);
      publishes += 1;
      out({ published: events.length, lastPosition: events[events.length - 1]?.position });
      // The broker has the batch; the checkpoint has not moved. Die the hardest way there is.
      if (publishes >= args.crashAfterPublishes) process.kill(process.pid, 'SIGKILL');
    },
  };
  const relay = new OutboxRelay(db, store, publisher, {
    name: 'crash-test',
    owner: `crashing-${process.pid}`,
    batchSize: args.batchSize,
    leaseTtlMs: 1_000,
  });
  relay.start();
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
