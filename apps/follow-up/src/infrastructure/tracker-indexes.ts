import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Db } from 'mongodb';
import { ensureIndexes, MONGO_DB } from '@tracker/platform';
import { TRACKER } from './tracker-item.projection';

/**
 * The tracker's one secondary index: rows by `keys` (tracker-keys.ts), multikey on MongoDB; FerretDB
 * serves `keys` from its GIN index instead (ensureIndexes, libs/ferretdb).
 */
export const ensureTrackerIndexes = (db: Db): Promise<void> =>
  ensureIndexes(db, db.collection(TRACKER), [{ key: { keys: 1 }, options: { name: 'keys' } }]);

@Injectable()
export class TrackerIndexes implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  onModuleInit(): Promise<void> {
    return ensureTrackerIndexes(this.db);
  }
}
