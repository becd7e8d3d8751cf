import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Db } from 'mongodb';
import { MONGO_DB } from '@tracker/platform';
import { POSTINGS } from './catalogue-postings';

/**
 * The catalogue's one secondary index: postings by key (a multikey index on MongoDB; on FerretDB the GIN
 * index deploy/local/postgres/ferretdb-indexes.sql gives every table on `keys`). Rows are read by `_id`
 * only; every filter, word and sort goes through the postings (docs/adr/0009).
 */
@Injectable()
export class CatalogueIndexes implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async onModuleInit(): Promise<void> {
    await this.db.collection(POSTINGS).createIndex({ keys: 1 }, { name: 'keys' });
  }
}
