import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Db } from 'mongodb';
import { assessmentIdFor, type AssessmentTarget } from '@tracker/contracts';
import { metadataFor, MONGO_DB, notFound } from '@tracker/platform';
import type { ReadModelDocument } from '@tracker/projections';
import { StalenessRepository } from '../../infrastructure/staleness.repository';
import { TRACKER, type TrackerItem } from '../../infrastructure/tracker-item.projection';
import { SetStalePeriodCommand, type SetStalePeriodResult } from './set-stale-period.command';

/**
 * Only items follow-up knows (their created event arrived) can be given a period: the tracker row says
 * whether the id is a recommendation or a commitment, which names the staleness stream. Who may do it
 * (secretariat, admin) is the route's roles; no institution check, focal points are not allowed at all.
 */
@CommandHandler(SetStalePeriodCommand)
export class SetStalePeriodHandler implements ICommandHandler<SetStalePeriodCommand, SetStalePeriodResult> {
  constructor(
    private readonly staleness: StalenessRepository,
    @Inject(MONGO_DB) private readonly db: Db,
  ) {}

  async execute({
    itemId,
    staleAfterDays,
    reason,
    context,
  }: SetStalePeriodCommand): Promise<SetStalePeriodResult> {
    const row = await this.db
      .collection<ReadModelDocument<TrackerItem>>(TRACKER)
      .findOne({ _id: itemId, known: true }, { projection: { kind: 1 } });
    if (!row) throw notFound(`tracker item ${itemId}`);
    const target: AssessmentTarget = { kind: row.kind, id: itemId };
    const assessmentId = assessmentIdFor(target);
    // No expected version: the stale check appends to the same stream, so an If-Match would fail for
    // changes the caller never sees; setting a value is idempotent and the repository retries races.
    const result = await this.staleness.execute(
      assessmentId,
      { type: 'set-stale-period', assessmentId, target, staleAfterDays },
      metadataFor(context, new Date(), reason),
    );
    return {
      itemId,
      target,
      staleAfterDays: result.state.staleAfterDays,
      changed: result.events.length > 0,
    };
  }
}
