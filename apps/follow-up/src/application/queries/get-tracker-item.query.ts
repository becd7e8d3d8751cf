import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Db } from 'mongodb';
import type { Principal } from '@tracker/auth';
import { MONGO_DB, notFound } from '@tracker/platform';
import { withoutMeta, type ReadModelDocument } from '@tracker/projections';
import { TRACKER, type TrackerItem } from '../../infrastructure/tracker-item.projection';

export class GetTrackerItemQuery extends Query<TrackerItem> {
  constructor(
    readonly itemId: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

@QueryHandler(GetTrackerItemQuery)
export class GetTrackerItemHandler implements IQueryHandler<GetTrackerItemQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async execute(query: GetTrackerItemQuery): Promise<TrackerItem> {
    const doc = await this.db
      .collection<ReadModelDocument<TrackerItem>>(TRACKER)
      .findOne({ _id: query.itemId });
    const hidden = query.principal.role === 'viewer' && !doc?.recommendation?.published;
    if (!doc || hidden) throw notFound(`tracker item ${query.itemId}`);
    return withoutMeta(doc);
  }
}
