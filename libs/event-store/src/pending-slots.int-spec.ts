import { type CommandStartedEvent, MongoClient } from 'mongodb';
import { appendMetadata, testNamespace } from '@tracker/testing';
import { PENDING_SLOTS, pendingSlotOf } from './commit-document';
import { MongoEventStore } from './mongo-event-store';

const ns = testNamespace();
let client: MongoClient;
/** The filter of every find on the commits collection. */
const finds: unknown[] = [];

const meta = appendMetadata();

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGO_URL!, { monitorCommands: true });
  client.on('commandStarted', (e: CommandStartedEvent) => {
    if (e.commandName === 'find' && (e.command as { find: string }).find === 'events')
      finds.push((e.command as { filter: unknown }).filter);
  });
});
afterAll(async () => {
  await client.db(ns.db('slots')).dropDatabase();
  await client.close();
});

describe('pending slots', () => {
  it('spread streams over every slot, a stream in one', () => {
    const slots = new Set(Array.from({ length: 200 }, (_, i) => pendingSlotOf(`recommendation-${i}`)));
    expect(slots.size).toBe(PENDING_SLOTS);
    expect(pendingSlotOf('recommendation-7')).toBe(pendingSlotOf('recommendation-7'));
  });

  it('a backlog is read a slot a round; every commit gets one position, each stream in version order', async () => {
    const store = new MongoEventStore(client.db(ns.db('slots')));
    await store.init();
    const streams = Array.from({ length: 60 }, (_, i) => `thing-${i}`);
    for (let version = 1; version <= 20; version += 1)
      await store.appendMany(
        streams.map((streamId) => ({
          streamId,
          expectedVersion: version - 1,
          events: [{ type: 'thing.counted', schemaVersion: 1, data: { version } }],
          metadata: meta,
        })),
      );
    finds.length = 0;
    while ((await store.assignPositions(50)) > 0);

    // The first look for pending commits finds a full batch; then slots, each holding a sixteenth of the
    // backlog. (The first versions came positioned, new streams of a bulk append: reserved-positions.ts.)
    const pendingReads = finds.filter((f) => 'pending' in (f as object));
    expect(pendingReads[0]).toEqual({ pending: true });
    const slotReads = pendingReads.filter((f) => typeof (f as { pending?: unknown }).pending === 'number');
    expect(slotReads.length).toBeGreaterThanOrEqual(PENDING_SLOTS);

    const all = await store.readAll(0, 5_000);
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
    expect(all).toHaveLength(1_200);
    for (const s of streams) {
      const versions = all.filter((e) => e.streamId === s).map((e) => e.version);
      expect(versions).toEqual(versions.map((_, i) => i + 1));
    }
    expect(await store.commits.countDocuments({ pending: true })).toBe(0);
  });
});
