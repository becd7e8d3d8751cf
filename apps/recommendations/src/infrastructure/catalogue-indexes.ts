import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Db } from 'mongodb';
import { ensureIndexes, MONGO_DB } from '@tracker/platform';
import type { ProjectionChange, ReadModelDocument } from '@tracker/projections';
import {
  CITES_KEY,
  POSTINGS,
  RECENT_KEY,
  writePostings,
  writeWalkPostings,
  YEARS_KEY,
} from './catalogue-postings';
import { CATALOGUE, type CatalogueDocument } from './recommendation-catalogue.projection';

/** Rows indexed per insertMany of postings, as a projection batch. */
const BACKFILL_BATCH = 500;

/**
 * The catalogue's one secondary index: postings by key (a multikey index on MongoDB; on FerretDB the GIN
 * index deploy/local/postgres/ferretdb-indexes.sql gives every table on `keys`, ensureIndexes). Rows are read by `_id`
 * only; every filter, word and sort goes through the postings (docs/adr/0009).
 */
@Injectable()
export class CatalogueIndexes implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.db, this.db.collection(POSTINGS), [
      { key: { keys: 1 }, options: { name: 'keys' } },
    ]);
    await this.indexRowsWrittenBefore();
  }

  /**
   * A catalogue written before postings existed gets them once, before the consumers start: the years
   * posting exists as soon as any row is indexed, so this reads the rows (one pass) only while it is
   * missing, i.e. on an empty catalogue (nothing to read) or on the first start after the upgrade. One
   * indexed before the postings that sorts walk existed (citation partitions, recent updates: ADR 0009,
   * session 10) gets those the same way.
   */
  private async indexRowsWrittenBefore(): Promise<void> {
    const postings = this.db.collection(POSTINGS);
    const has = async (key: string): Promise<boolean> => (await postings.findOne({ keys: key })) !== null;
    const indexed = await has(YEARS_KEY);
    if (indexed && (await has(CITES_KEY)) && (await has(RECENT_KEY))) return;
    const write = indexed ? writeWalkPostings : writePostings;
    let batch: ProjectionChange<CatalogueDocument>[] = [];
    const rows = this.db
      .collection<ReadModelDocument<CatalogueDocument>>(CATALOGUE)
      .find({})
      .batchSize(BACKFILL_BATCH);
    for await (const { _id, _applied: _a, _rev: _r, ...row } of rows) {
      batch.push({ id: _id, before: null, after: row });
      if (batch.length === BACKFILL_BATCH) {
        await write(batch, this.db);
        batch = [];
      }
    }
    if (batch.length > 0) await write(batch, this.db);
  }
}
