import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Db } from 'mongodb';
import type { Principal } from '@tracker/auth';
import { MONGO_DB, notFound } from '@tracker/platform';
import { withoutMeta, type ReadModelDocument } from '@tracker/projections';
import { CATALOGUE, type CatalogueEntry } from '../../infrastructure/recommendation-catalogue.projection';

export class GetRecommendationQuery extends Query<CatalogueEntry> {
  constructor(
    readonly recommendationId: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

@QueryHandler(GetRecommendationQuery)
export class GetRecommendationHandler implements IQueryHandler<GetRecommendationQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async execute(query: GetRecommendationQuery): Promise<CatalogueEntry> {
    const doc = await this.db
      .collection<ReadModelDocument<CatalogueEntry>>(CATALOGUE)
      .findOne({ _id: query.recommendationId });
    // Viewers see published items only; to them a draft does not exist.
    if (!doc || (query.principal.role === 'viewer' && !doc.published))
      throw notFound(`recommendation ${query.recommendationId}`);
    return withoutMeta(doc);
  }
}
