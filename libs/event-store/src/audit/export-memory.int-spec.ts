import { MongoClient } from 'mongodb';
import { runWorker, testNamespace } from '@tracker/testing';
import { positionFields, type CommitDocument, type EventRecord } from '../commit-document';

const WORKER = 'libs/event-store/src/audit/testing/ndjson-export.worker.ts';
/**
 * 1,000,000 events on every server (AUDIT_EXPORT_EVENTS overrides it for a quick local run). Since the
 * export reads the store page by page, FerretDB stores and serves them in minutes, with flat memory.
 */
const eventCount = (): number => Number(process.env.AUDIT_EXPORT_EVENTS ?? 1_000_000);
/** Larger commits than real ones (1-3 events) keep the setup fast on FerretDB; the export walks events either way. */
const PER_COMMIT = 100;
const LIMIT_MB = 450;

interface WorkerResult {
  done: true;
  lines: number;
  bytes: number;
  ordered: boolean;
  seconds: number;
  peakRssMb: number;
}

const eventsOf = (commit: number, firstPosition: number): EventRecord[] => {
  const streamId = `load-${commit}`;
  const hash = 'ab'.repeat(32);
  return Array.from({ length: PER_COMMIT }, (_, k) => ({
    eventId: `0190d4c8-0000-7000-8000-${(firstPosition + k).toString(16).padStart(12, '0')}`,
    streamId,
    version: k + 1,
    type: 'load.happened',
    schemaVersion: 1,
    data: { n: firstPosition + k },
    metadata: {
      actor: 'loader',
      role: 'system',
      correlationId: 'load',
      causationId: null,
      occurredAt: '2024-01-01T00:00:00.000Z',
      recordedAt: '2024-01-01T00:00:00.000Z',
    },
    prevHash: hash,
    hash,
  }));
};

describe('NDJSON export of the event history', () => {
  const ns = testNamespace();
  let client: MongoClient;

  beforeAll(async () => {
    client = await MongoClient.connect(process.env.MONGO_URL!);
  });
  // Dropping a million events takes FerretDB minutes.
  afterAll(async () => {
    await client.db(ns.db('export')).dropDatabase();
    await client.close();
  }, 900_000);

  it(`exports 1,000,000 events in a child process that stays under ${LIMIT_MB} MB RSS`, async () => {
    const EVENTS = eventCount();
    const db = client.db(ns.db('export'));
    const commits = db.collection<CommitDocument>('events');
    const setup = Date.now();
    // Inserted out of position order, as late commits land: the export must still stream by position.
    const order = Array.from({ length: EVENTS / PER_COMMIT }, (_, i) => i).sort(
      (a, b) => (a % 7) - (b % 7) || a - b,
    );
    for (let i = 0; i < order.length; i += 20) {
      await commits.insertMany(
        order.slice(i, i + 20).map((c): CommitDocument => {
          const position = c * PER_COMMIT + 1;
          return {
            _id: `commit-${c}`,
            streamId: `load-${c}`,
            version: 1,
            lastVersion: PER_COMMIT,
            recordedAt: new Date('2024-01-01T00:00:00Z'),
            // As the relay leaves a positioned commit (MongoEventStore.applyClaims).
            ...positionFields(position, position + PER_COMMIT - 1),
            events: eventsOf(c, position),
          };
        }),
        { ordered: true },
      );
    }
    const setupSeconds = (Date.now() - setup) / 1000;

    // In a small heap (96 MB of old space): an export that held what it wrote (463 MB of NDJSON) dies of
    // it, which is the streaming proof. The RSS line is looser: clean-clone runs measured 127-378 MB for
    // the same code, most of it outside the JS heap (the driver's page buffers, freed when V8 gets to
    // them); bringing that down is open work (issue #12 note, session 7).
    const nodeFlags = ['--max-old-space-size=96'];
    const worker = runWorker(WORKER, { mongoUrl: process.env.MONGO_URL, db: ns.db('export') }, { nodeFlags });
    const { lines } = await worker.done;
    const result = lines.find((l) => (l as WorkerResult).done) as WorkerResult;
    process.stderr.write(
      `[export] ${result.lines} events, ${(result.bytes / 1048576).toFixed(0)} MB NDJSON in ${result.seconds}s, ` +
        `peak RSS ${result.peakRssMb} MB (setup ${setupSeconds}s)\n`,
    );
    expect(result.lines).toBe(EVENTS);
    expect(result.ordered).toBe(true);
    expect(result.peakRssMb).toBeLessThan(LIMIT_MB);
  }, 1_800_000);
});
