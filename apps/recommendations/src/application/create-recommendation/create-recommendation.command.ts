import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '@tracker/platform';
import type { RecommendationDraft } from '../../domain/recommendation';

export interface CreateRecommendationResult {
  readonly recommendationId: string;
  readonly version: number;
  /** False when the same natural key was created before with the same content. */
  readonly created: boolean;
}

export class CreateRecommendationCommand extends Command<CreateRecommendationResult> {
  constructor(
    readonly recommendationId: string,
    readonly draft: RecommendationDraft,
    readonly context: RequestContext,
  ) {
    super();
  }
}
