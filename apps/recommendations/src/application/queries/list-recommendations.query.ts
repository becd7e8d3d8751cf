import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Db } from 'mongodb';
import type { Principal } from '@tracker/auth';
import type { ListRecommendationsQuery as ListQueryShape } from '@tracker/contracts';
import { MONGO_DB } from '@tracker/platform';
import { toEntry, type CatalogueEntry } from '../../infrastructure/recommendation-catalogue.projection';
import type { PostingEntry } from '../../infrastructure/catalogue-postings';
import {
  cataloguePlan,
  decodeCursor,
  encodeCursor,
  matches,
  sortSpec,
  type CatalogueRow,
} from './catalogue-filter';

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
    const after = params.cursor === undefined ? null : decodeCursor(params.cursor);
    const plan = cataloguePlan(params, principal);
    // One row past the page says whether there is a next one.
    const found: { row: CatalogueRow; entry: PostingEntry }[] = [];
    for await (const match of matches(this.db, plan, spec, after, params.limit + 1)) {
      found.push(match);
      if (found.length > params.limit) break;
    }
    const page = found.slice(0, params.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((m) => stripRow(m.row)),
      nextCursor: found.length > params.limit && last ? encodeCursor(last.entry, spec) : null,
    };
  }
}
