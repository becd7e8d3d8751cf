import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tracker/auth';
import type { TrackerQuery } from '@tracker/contracts';
import type { TrackerAnswer } from './tracker-answers';
import { TrackerReader } from './tracker-reader';

export interface TrackerPage {
  readonly items: readonly TrackerAnswer[];
  readonly nextCursor: string | null;
  readonly asOf: string;
}

export class ListTrackerQuery extends Query<TrackerPage> {
  constructor(
    readonly filter: TrackerQuery,
    readonly principal: Principal,
    readonly now: Date = new Date(),
  ) {
    super();
  }
}

@QueryHandler(ListTrackerQuery)
export class ListTrackerHandler implements IQueryHandler<ListTrackerQuery> {
  constructor(private readonly reader: TrackerReader) {}

  async execute({ filter, principal, now }: ListTrackerQuery): Promise<TrackerPage> {
    const page = await this.reader.list(filter, principal, now);
    return { ...page, asOf: now.toISOString() };
  }
}
