import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Db, Document } from 'mongodb';
import { ensureIndexes, MONGO_DB } from '@tracker/platform';
import { migrateSummaries } from '@tracker/projections';
import { TRACKER, trackerSummaries } from './tracker-item.projection';

/**
 * The tracker's one secondary index: rows by `keys` (tracker-keys.ts), multikey on MongoDB; FerretDB
 * serves `keys` from its GIN index instead (ensureIndexes, libs/ferretdb).
 */
export const ensureTrackerIndexes = (db: Db): Promise<void> =>
  ensureIndexes(db, db.collection(TRACKER), [{ key: { keys: 1 }, options: { name: 'keys' } }]);

/** The tracker's collection ready before its consumers start: its index, its summaries' layout. */
@Injectable()
export class TrackerIndexes implements OnModuleInit {
  private readonly logger = new Logger(TrackerIndexes.name);

  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async onModuleInit(): Promise<void> {
    await ensureTrackerIndexes(this.db);
    const { rows } = await migrateSummaries(this.db.collection<Document>(TRACKER), trackerSummaries);
    if (rows > 0) this.logger.log(`tracker summaries rewritten in their current layout from ${rows} rows`);
  }
}
