import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Db } from 'mongodb';
import type { Principal } from '@tracker/auth';
import { MONGO_DB, notFound } from '@tracker/platform';
import { CATALOGUE, type CatalogueEntry } from '../../infrastructure/recommendation-catalogue.projection';
import type { CatalogueRow } from './catalogue-filter';
import { stripRow } from './list-recommendations.query';

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
    const doc = await this.db.collection<CatalogueRow>(CATALOGUE).findOne({ _id: query.recommendationId });
    // Viewers see published items only; to them a draft does not exist.
    if (!doc || (query.principal.role === 'viewer' && !doc.published))
      throw notFound(`recommendation ${query.recommendationId}`);
    return stripRow(doc);
  }
}
