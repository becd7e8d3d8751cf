import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '@tracker/platform';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import type { CreateRecommendationRequest } from '@tracker/contracts';
import { newAggregateId } from '@tracker/event-store';
import { Recommendation, type RecommendationDraft } from '../../domain/recommendation';

/** Fixed namespace: a natural key always maps to the same recommendation id, in every environment. */
const EXTERNAL_KEY_NAMESPACE = '6f1c1a52-4b7e-4f0e-9a51-2f7d3c2b9e10';

export const recommendationIdFor = (externalKey: string | undefined | null): string =>
  externalKey ? uuidv5(externalKey, EXTERNAL_KEY_NAMESPACE) : uuidv7();

/**
 * The id `POST /api/recommendations` creates: from the natural key, else a new one — on the replay of an
 * Idempotency-Key request that committed, the one it created (libs/event-store/src/idempotent-request.ts).
 */
export const createdRecommendationId = (externalKey: string | undefined | null): string =>
  externalKey ? recommendationIdFor(externalKey) : newAggregateId(Recommendation.name);

/** The API's create shape (validated) as the aggregate's draft. */
export const draftFromRequest = (body: CreateRecommendationRequest): RecommendationDraft => ({
  externalKey: body.externalKey ?? null,
  mechanism: body.mechanism,
  recommendingEntities: body.recommendingEntities,
  document: body.document,
  upr: body.upr ?? null,
  text: body.text,
  themes: body.themes,
  affectedGroups: body.affectedGroups,
  sdgTargets: body.sdgTargets,
  position: body.position ?? null,
  clusterKey: body.clusterKey ?? null,
  published: body.published,
});

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
