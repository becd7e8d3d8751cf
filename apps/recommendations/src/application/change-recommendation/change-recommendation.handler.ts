import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateNotFoundError, type RecommendationUpdateResult } from '@tracker/contracts';
import { PreconditionFailedError } from '@tracker/event-store';
import { metadataFor } from '@tracker/platform';
import { RecommendationRepository } from '../../infrastructure/recommendation.repository';
import { ChangeRecommendationCommand } from './change-recommendation.command';

@CommandHandler(ChangeRecommendationCommand)
export class ChangeRecommendationHandler implements ICommandHandler<
  ChangeRecommendationCommand,
  RecommendationUpdateResult
> {
  constructor(private readonly repository: RecommendationRepository) {}

  async execute(command: ChangeRecommendationCommand): Promise<RecommendationUpdateResult> {
    const { change } = command;
    const result = await this.repository
      .execute(change.recommendationId, change, metadataFor(command.context, new Date()), {
        expectedVersion: command.expectedVersion,
      })
      .catch((err: unknown) => {
        // A stale If-Match on a stream that does not exist is a 404, not a 412.
        if (err instanceof PreconditionFailedError && err.actualVersion === 0)
          throw new AggregateNotFoundError('recommendation', change.recommendationId);
        throw err;
      });
    return {
      recommendationId: change.recommendationId,
      version: result.version,
      changed: result.events.length > 0,
    };
  }
}
