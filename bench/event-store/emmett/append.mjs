// Emmett's MongoDB event store under the same append workload as ours (bench/event-store/main.ts runs
// this as a child process, since Emmett needs the mongodb 6 driver from this folder's node_modules).
//
//   node append.mjs '{"url":"mongodb://…","db":"bench_es","mode":"single","eventsPerCommit":1,
//                     "writers":4,"commitsPerStream":5,"seconds":15,"payload":{…}}'
//
// Prints one JSON line on stdout: {"events":N,"commits":N,"seconds":S,"eventsPerSecond":R}.
import { getMongoDBEventStore, toStreamName } from '@event-driven-io/emmett-mongodb';
import { MongoClient } from 'mongodb';

const opts = JSON.parse(process.argv[2] ?? '{}');
const { url, db, mode, eventsPerCommit, writers, commitsPerStream, seconds, payload } = opts;

const client = new MongoClient(url, { maxPoolSize: Math.max(10, writers * 2) });
await client.connect();
const eventStore = getMongoDBEventStore({
  client,
  storage: { type: 'SINGLE_COLLECTION', collectionName: 'emt_streams', databaseName: db },
});

const event = (i) => ({
  type: 'recommendation.position-recorded',
  data: { ...payload, seq: i },
  metadata: { actor: 'bench', role: 'admin', correlationId: `corr-${i}`, causationId: null },
});

// Warm-up: creates the collection and its unique index outside the timed window.
await eventStore.appendToStream(toStreamName('warmup', `${mode}-w`), [event(0)]);

let events = 0;
let commits = 0;
const deadline = performance.now() + seconds * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: writers }, async (_, w) => {
    let version = 0n;
    let stream = 0;
    for (let i = 0; performance.now() < deadline; i += 1) {
      if (i % commitsPerStream === 0) {
        stream += 1;
        version = 0n;
      }
      const name = toStreamName('recommendation', `${mode}-${w}-${stream}`);
      const batch = Array.from({ length: eventsPerCommit }, (_, k) => event(i * eventsPerCommit + k));
      const result = await eventStore.appendToStream(name, batch, { expectedStreamVersion: version });
      version = result.nextExpectedStreamVersion;
      events += eventsPerCommit;
      commits += 1;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
await client.close();
process.stdout.write(
  `${JSON.stringify({ events, commits, seconds: elapsed, eventsPerSecond: events / elapsed })}\n`,
);
