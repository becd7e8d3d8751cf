/* A child process with N writers appending to shared streams; optionally also assigning positions. */
import { MongoClient } from 'mongodb';
import { ConcurrencyError } from '../errors';
import { MongoEventStore } from '../mongo-event-store';

interface Args {
  mongoUrl: string;
  db: string;
  streams: string[];
  writers: number;
  updatesPerWriter: number;
  name: string;
  assignPositions: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const out = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

const main = async (): Promise<void> => {
  const client = await MongoClient.connect(args.mongoUrl, { maxPoolSize: args.writers + 4 });
  const store = new MongoEventStore(client.db(args.db));
  const acked: [string, number, string][] = [];
  let conflicts = 0;
  let writing = true;

  const writer = async (w: number): Promise<void> => {
    for (let i = 0; i < args.updatesPerWriter; i += 1) {
      const streamId = args.streams[(w * 7 + i * 13) % args.streams.length]!;
      const events = await store.readStream(streamId);
      const last = events[events.length - 1];
      const version = last?.version ?? 0;
      // The state is a counter; each update writes the value it computed from what it read.
      const value = ((last?.data as { value?: number } | undefined)?.value ?? 0) + 1;
      try {
        const r = await store.append({
          streamId,
          expectedVersion: version,
          events: [
            { type: 'counter.incremented', schemaVersion: 1, data: { value, writer: `${args.name}-${w}` } },
          ],
          metadata: {
            actor: `${args.name}-${w}`,
            role: 'secretariat',
            correlationId: `${args.name}-${w}-${i}`,
            causationId: null,
            occurredAt: new Date().toISOString(),
          },
          ...(last ? { prevHash: last.hash } : {}),
        });
        const e = r.events[0]!;
        acked.push([e.streamId, e.version, e.eventId]);
      } catch (err) {
        if (err instanceof ConcurrencyError) conflicts += 1;
        else throw err;
      }
    }
  };

  const positioner = async (): Promise<number> => {
    let assigned = 0;
    while (writing) {
      assigned += await store.assignPositions(50);
      await new Promise((r) => setTimeout(r, 2));
    }
    return assigned;
  };

  out({ ready: true });
  const positions = args.assignPositions ? positioner() : Promise.resolve(0);
  await Promise.all(Array.from({ length: args.writers }, (_, w) => writer(w)));
  writing = false;
  const assigned = await positions;
  out({ done: true, acked, conflicts, assigned });
  await client.close();
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
