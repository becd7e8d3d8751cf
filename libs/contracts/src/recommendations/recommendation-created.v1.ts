import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { DocumentReference, LocalizedText, Mechanism, Position, SdgTarget, Slug } from './vocabulary';

export const RecommendationCreatedData = z.strictObject({
  recommendationId: z.uuid(),
  /** Natural key from the dataset or an import (e.g. `upr-2023-united-states-1`); keeps re-imports idempotent. */
  externalKey: z.string().min(1).max(200).nullable(),
  mechanism: Mechanism,
  recommendingEntities: z.array(z.string().trim().min(1).max(200)).min(1).max(50),
  document: DocumentReference,
  upr: z
    .strictObject({ cycle: z.number().int().min(1).max(10), session: z.number().int().min(1).nullable() })
    .nullable(),
  text: LocalizedText,
  themes: z.array(Slug).max(50),
  affectedGroups: z.array(Slug).max(50),
  sdgTargets: z.array(SdgTarget).max(50),
  position: Position.nullable(),
  clusterKey: Slug.nullable(),
  published: z.boolean(),
});
export type RecommendationCreatedData = z.infer<typeof RecommendationCreatedData>;

export const RecommendationCreated = defineEvent('recommendation.created', 1, RecommendationCreatedData);
export type RecommendationCreated = EventOf<typeof RecommendationCreated>;
