import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { colourCounts } from '@tracker/testing';
import { readSummaries, summaryWrites, SUMMARY_TOP, type RowChange } from './summaries';

interface Item {
  readonly id: string;
  readonly ordinal: number | null;
  readonly colour: string;
}

const spec = colourCounts<Item>((i) => i.ordinal, [4, 3]);

/** A collection in memory that answers `{keys: k}` finds and applies the ops the store would write. */
class Memory {
  readonly docs = new Map<string, Document>();

  get collection(): Collection<Document> {
    return {
      find: (filter: { keys: string }) => ({
        toArray: () =>
          Promise.resolve([...this.docs.values()].filter((d) => (d.keys as string[]).includes(filter.keys))),
      }),
    } as unknown as Collection<Document>;
  }

  apply(ops: readonly AnyBulkWriteOperation<Document>[]): void {
    for (const op of ops) {
      if ('insertOne' in op) {
        const doc = op.insertOne.document;
        if (this.docs.has(String(doc._id))) throw new Error(`duplicate ${String(doc._id)}`);
        this.docs.set(String(doc._id), doc);
      } else if ('replaceOne' in op) {
        const id = op.replaceOne.filter._id as unknown as string;
        const upsert = op.replaceOne.upsert === true && op.replaceOne.filter._rev === undefined;
        if (!upsert && this.docs.get(id)?._rev !== op.replaceOne.filter._rev)
          throw new Error(`conflict on ${id}`);
        this.docs.set(id, { _id: id, ...op.replaceOne.replacement });
      } else if ('deleteOne' in op) {
        const id = op.deleteOne.filter._id as unknown as string;
        if (this.docs.get(id)?._rev !== op.deleteOne.filter._rev) throw new Error(`conflict on ${id}`);
        this.docs.delete(id);
      } else throw new Error('unexpected op');
    }
  }

  /** Writes a batch of rows the way MongoProjectionStore does: rows, then their summaries. */
  async write(rows: readonly Item[]): Promise<void> {
    const changes: RowChange<Item>[] = rows.map((after) => {
      const was = this.docs.get(after.id);
      return { id: after.id, before: was ? (was as unknown as Item) : null, after };
    });
    const { ops } = await summaryWrites(this.collection, spec, changes);
    for (const r of rows) this.docs.set(r.id, { _id: r.id, ...r, keys: [] });
    this.apply(ops);
  }

  summaryIds(): string[] {
    return [...this.docs.keys()].filter((id) => id.startsWith('sum')).sort();
  }
}

const item = (n: number, colour: string, ordinal: number | null = n): Item => ({
  id: `i${n}`,
  ordinal,
  colour,
});

describe('summaries', () => {
  it('keep every level equal to a summary of the rows, through inserts, moves and removals', async () => {
    const m = new Memory();
    const rows = Array.from({ length: 30 }, (_, n) => item(n, n % 3 === 0 ? 'red' : 'blue'));
    for (let i = 0; i < rows.length; i += 7) await m.write(rows.slice(i, i + 7));
    expect(await readSummaries(m.collection, spec)).toEqual({ red: 10, blue: 20 });
    // Recolour some, and make one leave every group (no ordinal): counted nowhere.
    await m.write([item(0, 'green'), item(13, 'green'), item(29, 'blue', null)]);
    expect(await readSummaries(m.collection, spec)).toEqual({ red: 9, blue: 18, green: 2 });
    // A part per counted row (29), level 1 of 4 ordinals, level 2 of 3 groups: 8 + 3 summaries, the
    // top ones tagged SUMMARY_TOP.
    expect(m.summaryIds().filter((id) => id.startsWith('sum0:'))).toHaveLength(29);
    expect(m.summaryIds().filter((id) => !id.startsWith('sum0:'))).toHaveLength(11);
    expect([...m.docs.values()].filter((d) => (d.keys as string[]).includes(SUMMARY_TOP))).toHaveLength(3);
  });

  it('end identical whatever order the rows arrived in, an emptied group leaving no summary', async () => {
    const rows = Array.from({ length: 12 }, (_, n) => item(n, n % 2 === 0 ? 'red' : 'blue'));
    const a = new Memory();
    for (const r of rows) await a.write([r]);
    const b = new Memory();
    await b.write([...rows].reverse());
    // Empty the group of ordinals 8-11 in `a` only, then fill it again.
    await a.write([8, 9, 10, 11].map((n) => item(n, 'red', null)));
    expect(a.summaryIds()).not.toContain('sum1:x:2');
    await a.write(rows.slice(8));
    const strip = (m: Memory) =>
      [...m.docs.values()].filter((d) => String(d._id).startsWith('sum')).map(({ _rev: _r, ...d }) => d);
    expect(strip(a).sort((x, y) => String(x._id).localeCompare(String(y._id)))).toEqual(
      strip(b).sort((x, y) => String(x._id).localeCompare(String(y._id))),
    );
  });

  it('repair a part left behind its row (a write cut short) when the row is routed again', async () => {
    const m = new Memory();
    await m.write([item(1, 'red'), item(2, 'blue'), item(3, 'blue')]);
    const part = m.docs.get('sum0:i2')!;
    m.docs.set('sum0:i2', { ...part, summary: JSON.stringify({ red: 1 }) });
    await m.write([item(3, 'blue')]);
    // A neighbour's touch trusts the stored part...
    expect(await readSummaries(m.collection, spec)).toEqual({ red: 2, blue: 1 });
    // ...and the row's own redelivery rewrites it and its group.
    await m.write([item(2, 'blue')]);
    expect(await readSummaries(m.collection, spec)).toEqual({ red: 1, blue: 2 });
    expect(JSON.parse(m.docs.get('sum0:i2')!.summary as string)).toEqual({ blue: 1 });
  });

  it('count only parts: a row written before parts existed may carry its group key', async () => {
    const m = new Memory();
    await m.write([item(1, 'red'), item(2, 'blue')]);
    m.docs.set('i1', { ...m.docs.get('i1')!, keys: ['sum1:x:0'] });
    await m.write([item(3, 'blue')]);
    expect(await readSummaries(m.collection, spec)).toEqual({ red: 1, blue: 2 });
  });

  it('write nothing when a batch changes no count (a redelivery)', async () => {
    const m = new Memory();
    await m.write([item(1, 'red'), item(2, 'blue')]);
    expect(
      (await summaryWrites(m.collection, spec, [{ id: 'i1', before: item(1, 'red'), after: item(1, 'red') }]))
        .ops,
    ).toEqual([]);
  });
});
