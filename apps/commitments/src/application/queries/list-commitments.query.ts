import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Db, Filter } from 'mongodb';
import {
  dueInstantOf,
  type CommitmentStatus,
  type ListCommitmentsQuery as ListFilter,
} from '@tracker/contracts';
import { decodeKeysetCursor, encodeKeysetCursor, MONGO_DB } from '@tracker/platform';
import { withoutMeta, type ReadModelDocument } from '@tracker/projections';
import {
  COMMITMENTS_VIEW,
  withOverdue,
  type CommitmentAnswer,
  type CommitmentView,
} from '../../infrastructure/commitments-view.projection';

export interface CommitmentPage {
  readonly items: readonly CommitmentAnswer[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export class ListCommitmentsQuery extends Query<CommitmentPage> {
  constructor(
    readonly filter: ListFilter,
    readonly now: Date = new Date(),
  ) {
    super();
  }
}

type Doc = ReadModelDocument<CommitmentView>;

const OPEN: CommitmentStatus[] = ['open', 'lapsed'];

/** Commitments by institution, status, due date and overdue (judged now), in due-date order. */
@QueryHandler(ListCommitmentsQuery)
export class ListCommitmentsHandler implements IQueryHandler<ListCommitmentsQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async execute({ filter, now }: ListCommitmentsQuery): Promise<CommitmentPage> {
    const and: Filter<Doc>[] = [];
    if (filter.institution) and.push({ institutions: filter.institution });
    if (filter.status) and.push({ status: filter.status });
    // Due strictly before the date: due instant at or before that day's start.
    if (filter.dueBefore) and.push({ dueAt: { $lte: `${filter.dueBefore}T00:00:00.000Z` } });
    if (filter.dueAfter) and.push({ dueAt: { $gt: dueInstantOf(filter.dueAfter).toISOString() } });
    const nowIso = now.toISOString();
    if (filter.overdue === true) and.push({ status: { $in: OPEN }, dueAt: { $lte: nowIso } });
    if (filter.overdue === false) and.push({ $or: [{ status: { $nin: OPEN } }, { dueAt: { $gt: nowIso } }] });
    if (filter.cursor) {
      const [dueAt, id] = decodeKeysetCursor(filter.cursor);
      and.push({ $or: [{ dueAt: { $gt: dueAt } }, { dueAt, _id: { $gt: id } }] });
    }
    const docs = await this.db
      .collection<Doc>(COMMITMENTS_VIEW)
      .find(and.length > 0 ? { $and: and } : {})
      .sort({ dueAt: 1, _id: 1 })
      .limit(filter.limit + 1)
      .toArray();
    const page = docs.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((d) => withOverdue(withoutMeta(d), now)),
      nextCursor: docs.length > filter.limit && last ? encodeKeysetCursor(last.dueAt, last._id) : null,
    };
  }
}
