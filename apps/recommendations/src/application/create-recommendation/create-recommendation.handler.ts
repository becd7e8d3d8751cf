import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { metadataFor } from '@tracker/platform';
import { RecommendationRepository } from '../../infrastructure/recommendation.repository';
import {
  CreateRecommendationCommand,
  type CreateRecommendationResult,
} from './create-recommendation.command';

@CommandHandler(CreateRecommendationCommand)
export class CreateRecommendationHandler implements ICommandHandler<
  CreateRecommendationCommand,
  CreateRecommendationResult
> {
  constructor(private readonly repository: RecommendationRepository) {}

  async execute(command: CreateRecommendationCommand): Promise<CreateRecommendationResult> {
    const result = await this.repository.execute(
      command.recommendationId,
      { type: 'create', recommendationId: command.recommendationId, draft: command.draft },
      metadataFor(command.context, new Date()),
    );
    return {
      recommendationId: command.recommendationId,
      version: result.version,
      created: result.events.length > 0,
    };
  }
}
