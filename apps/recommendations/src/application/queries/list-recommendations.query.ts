import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Db, Filter } from 'mongodb';
import type { Principal } from '@tracker/auth';
import type { ListRecommendationsQuery as ListQueryShape } from '@tracker/contracts';
import { MONGO_DB } from '@tracker/platform';
import {
  CATALOGUE,
  toEntry,
  type CatalogueEntry,
} from '../../infrastructure/recommendation-catalogue.projection';
import { catalogueFilter, cursorFilter, encodeCursor, sortSpec, type CatalogueRow } from './catalogue-filter';

export interface RecommendationPage {
  readonly items: CatalogueEntry[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export class ListRecommendationsQuery extends Query<RecommendationPage> {
  constructor(
    readonly params: ListQueryShape,
    readonly principal: Principal,
  ) {
    super();
  }
}

export const stripRow = (row: CatalogueRow): CatalogueEntry => {
  const { _id: _i, _applied: _a, _rev: _r, ...doc } = row;
  return toEntry(doc);
};

@QueryHandler(ListRecommendationsQuery)
export class ListRecommendationsHandler implements IQueryHandler<ListRecommendationsQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async execute({ params, principal }: ListRecommendationsQuery): Promise<RecommendationPage> {
    const spec = sortSpec(params.sort);
    const base = catalogueFilter(params, principal);
    const filter: Filter<CatalogueRow> = params.cursor
      ? { $and: [base, cursorFilter(params.cursor, spec)] }
      : base;
    const rows = await this.db
      .collection<CatalogueRow>(CATALOGUE)
      .find(filter)
      .sort({ [spec.field]: spec.direction, _id: spec.direction })
      .limit(params.limit + 1)
      .toArray();
    const page = rows.slice(0, params.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(stripRow),
      nextCursor: rows.length > params.limit && last ? encodeCursor(last, spec) : null,
    };
  }
}
