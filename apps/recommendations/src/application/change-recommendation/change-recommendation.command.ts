import { Command } from '@nestjs/cqrs';
import type { RecommendationUpdateResult } from '@tracker/contracts';
import type { RequestContext } from '@tracker/platform';
import type { RecommendationCommand } from '../../domain/recommendation';

/** Every change to an existing recommendation (revise text, record position, tag, cluster, publish). */
export type RecommendationChange = Exclude<RecommendationCommand, { type: 'create' }>;

export class ChangeRecommendationCommand extends Command<RecommendationUpdateResult> {
  constructor(
    readonly change: RecommendationChange,
    /** From If-Match: the version the client last saw. */
    readonly expectedVersion: number,
    readonly context: RequestContext,
  ) {
    super();
  }
}
