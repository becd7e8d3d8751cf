import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Db } from 'mongodb';
import { MONGO_DB } from '@tracker/platform';
import { TRACKER } from './tracker-item.projection';

/**
 * The tracker's one secondary index: rows by `keys` (tracker-keys.ts). MongoDB needs a multikey index;
 * FerretDB already has the GIN index deploy/local/postgres/ferretdb-indexes.sql gives every table on
 * `keys`, and its own `createIndex` would add a PostgreSQL btree over each row's whole key array (dozens
 * of strings) that no query uses and every write pays for.
 */
export const ensureTrackerIndexes = async (db: Db): Promise<void> => {
  const info = await db.admin().command({ buildInfo: 1 });
  if (!('ferretdbVersion' in info)) await db.collection(TRACKER).createIndex({ keys: 1 }, { name: 'keys' });
};

@Injectable()
export class TrackerIndexes implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  onModuleInit(): Promise<void> {
    return ensureTrackerIndexes(this.db);
  }
}
