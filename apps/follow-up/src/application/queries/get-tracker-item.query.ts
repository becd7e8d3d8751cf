import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tracker/auth';
import { notFound } from '@tracker/platform';
import type { TrackerAnswer } from './tracker-answers';
import { TrackerReader } from './tracker-reader';

export class GetTrackerItemQuery extends Query<TrackerAnswer> {
  constructor(
    readonly itemId: string,
    readonly principal: Principal,
    readonly now: Date = new Date(),
  ) {
    super();
  }
}

@QueryHandler(GetTrackerItemQuery)
export class GetTrackerItemHandler implements IQueryHandler<GetTrackerItemQuery> {
  constructor(private readonly reader: TrackerReader) {}

  async execute(query: GetTrackerItemQuery): Promise<TrackerAnswer> {
    const answer = await this.reader.get(query.itemId, query.principal, query.now);
    // Viewers see published items only; to them a draft does not exist.
    if (!answer) throw notFound(`tracker item ${query.itemId}`);
    return answer;
  }
}
