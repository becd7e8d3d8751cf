import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { notFound } from '@tracker/platform';
import { CommitmentRepository } from '../../infrastructure/commitment.repository';
import {
  commitmentsViewProjection,
  withOverdue,
  type CommitmentAnswer,
  type CommitmentView,
} from '../../infrastructure/commitments-view.projection';

export class GetCommitmentQuery extends Query<CommitmentAnswer> {
  constructor(readonly commitmentId: string) {
    super();
  }
}

/**
 * One commitment, folded from its own stream with the read model's projection: the same shape as the
 * list, and always the current version, so its ETag is safe to send back as If-Match.
 */
@QueryHandler(GetCommitmentQuery)
export class GetCommitmentHandler implements IQueryHandler<GetCommitmentQuery> {
  constructor(private readonly repository: CommitmentRepository) {}

  async execute(query: GetCommitmentQuery): Promise<CommitmentAnswer> {
    const { events } = await this.repository.load(query.commitmentId);
    let view: CommitmentView | null = null;
    for (const e of events)
      view = commitmentsViewProjection.apply(view, { ...e, position: e.position ?? 0 }, query.commitmentId);
    if (!view) throw notFound(`commitment ${query.commitmentId}`);
    return withOverdue(view, new Date());
  }
}
