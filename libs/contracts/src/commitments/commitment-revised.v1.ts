import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { CommitmentTitle, InstitutionKeys, LinkedRecommendationIds, MadeAt } from './vocabulary';

/**
 * The revisable fields after the revision, all of them (not a diff), so the event alone says what the
 * commitment reads now. The due date changes only through `commitment.due-date-extended`.
 */
export const CommitmentRevisedData = z.strictObject({
  commitmentId: z.uuid(),
  title: CommitmentTitle,
  text: z.string().min(1).max(20000),
  madeAt: MadeAt,
  institutions: InstitutionKeys,
  dueDateNote: z.string().min(1).max(2000).nullable(),
  linkedRecommendationIds: LinkedRecommendationIds,
  /** Which fields changed, for history views. */
  changed: z.array(z.string().min(1).max(50)).min(1).max(20),
});
export type CommitmentRevisedData = z.infer<typeof CommitmentRevisedData>;

export const CommitmentRevised = defineEvent('commitment.revised', 1, CommitmentRevisedData);
export type CommitmentRevised = EventOf<typeof CommitmentRevised>;
