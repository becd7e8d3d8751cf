import { z } from 'zod';
import { DocumentReference, LocalizedText, Mechanism, Position, SdgTarget, Slug } from './vocabulary';

/** The API's create shape (also one line of a JSON-lines import). Unknown fields are rejected. */
export const CreateRecommendationRequest = z.strictObject({
  externalKey: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'letters, digits and . _ : / - only')
    .optional()
    .describe('natural key; creating the same key twice with the same content is a no-op'),
  mechanism: Mechanism,
  recommendingEntities: z.array(z.string().trim().min(1).max(200)).min(1).max(50),
  document: DocumentReference,
  upr: z
    .strictObject({
      cycle: z.number().int().min(1).max(10),
      session: z.number().int().min(1).nullable().default(null),
    })
    .optional(),
  text: LocalizedText,
  themes: z.array(Slug).max(50).default([]),
  affectedGroups: z.array(Slug).max(50).default([]),
  sdgTargets: z.array(SdgTarget).max(50).default([]),
  position: Position.optional(),
  clusterKey: Slug.optional(),
  published: z.boolean().default(false),
});
export type CreateRecommendationRequest = z.infer<typeof CreateRecommendationRequest>;
