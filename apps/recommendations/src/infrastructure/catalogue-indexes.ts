import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Db } from 'mongodb';
import { MONGO_DB } from '@tracker/platform';
import { CATALOGUE } from './recommendation-catalogue.projection';

/** Indexes the catalogue's filters, search tokens and sorts use (plain single/compound: FerretDB 1.24 has them). */
@Injectable()
export class CatalogueIndexes implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async onModuleInit(): Promise<void> {
    const c = this.db.collection(CATALOGUE);
    // One createIndex per index: FerretDB 1.24 panics on a multi-index createIndexes when the indexes
    // already exist, i.e. on every restart after the first.
    const specs: { key: Record<string, 1>; name: string }[] = [
      { key: { searchTokens: 1 }, name: 'search_tokens' },
      { key: { entityKeys: 1 }, name: 'entity_keys' },
      { key: { themes: 1 }, name: 'themes' },
      { key: { affectedGroups: 1 }, name: 'affected_groups' },
      { key: { mechanism: 1 }, name: 'mechanism' },
      { key: { clusterKey: 1 }, name: 'cluster' },
      { key: { 'document.date': 1, _id: 1 }, name: 'date_id' },
      { key: { 'document.citation': 1, _id: 1 }, name: 'citation_id' },
      { key: { updatedAt: 1, _id: 1 }, name: 'updated_id' },
    ];
    for (const { key, name } of specs) await c.createIndex(key, { name });
  }
}
