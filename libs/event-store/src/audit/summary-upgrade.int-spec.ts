import { type Document, MongoClient } from 'mongodb';
import {
  MongoProjectionStore,
  type Projection,
  readSummaries,
  summariesUpToDate,
} from '@tracker/projections';
import { appendMetadata, colourCounts, testNamespace } from '@tracker/testing';
import { MongoEventStore } from '../mongo-event-store';
import { AuditService } from './audit.service';

interface Thing {
  readonly colour: string;
  readonly position: number;
}
const colours = colourCounts<Thing>((t) => t.position, [4, 4]);

const things: Projection<Thing> = {
  name: 'things',
  route: (e) => [e.streamId.replace(/^thing-/, '')],
  apply: (_doc, e) => ({ colour: (e.data as { colour: string }).colour, position: e.position }),
  summaries: colours,
};

const ns = testNamespace();
let client: MongoClient;

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGO_URL!);
});
afterAll(async () => {
  await client.db(ns.db('summary_upgrade')).dropDatabase();
  await client.close();
});

describe('a read model whose summaries an earlier version wrote', () => {
  it('is rebuilt from its source at start: packed parts and summaries, no group key left on its rows', async () => {
    const db = client.db(ns.db('summary_upgrade'));
    const store = new MongoEventStore(db);
    await store.init();
    await store.appendMany(
      Array.from({ length: 30 }, (_, i) => ({
        streamId: `thing-t${i}`,
        expectedVersion: 0,
        events: [{ type: 'thing.created', schemaVersion: 1, data: { colour: i % 3 === 0 ? 'red' : 'blue' } }],
        metadata: appendMetadata(),
      })),
    );
    while ((await store.assignPositions(100)) > 0);
    await new MongoProjectionStore(things, db).applyBatch(await store.readAll(0, 100));
    const rows = db.collection<Document>('things');
    expect(await readSummaries(rows, colours)).toEqual({ red: 10, blue: 20 });

    // The earlier layout: no parts, summaries as objects (here stale), rows carrying their group's key.
    await rows.deleteMany({ _id: { $regex: '^sum0:' } } as Document);
    for (const d of await rows.find({ _id: { $regex: '^sum' } } as Document).toArray())
      await rows.updateOne({ _id: d._id }, { $set: { summary: { red: 1 } } });
    for (const d of await rows.find({ colour: { $exists: true } }).toArray())
      await rows.updateOne(
        { _id: d._id },
        { $set: { keys: [`sum1:x:${Math.floor((d as unknown as Thing).position / 4)}`] } },
      );
    expect(await summariesUpToDate(rows)).toBe(false);

    const audit = new AuditService({
      service: 'things',
      db,
      commits: store.commits,
      aggregates: [],
      projections: [{ projection: things as Projection<object>, source: 'event-store' }],
      inbox: null,
    });
    await audit.onApplicationBootstrap();
    await audit.rebuilds.drain();

    expect(await summariesUpToDate(rows)).toBe(true);
    expect(await readSummaries(rows, colours)).toEqual({ red: 10, blue: 20 });
    expect(await rows.countDocuments({ _id: { $regex: '^sum0:' } } as Document)).toBe(30);
    const group = await rows.find({ keys: 'sum1:x:2' }).toArray();
    // The group's four parts and its own summary: no row.
    expect(group.map((d) => String(d._id)).sort()).toEqual([
      'sum0:t10',
      'sum0:t7',
      'sum0:t8',
      'sum0:t9',
      'sum1:x:2',
    ]);
  });
});
