import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import {
  CommitmentTitle,
  DueDate,
  DueDateKind,
  InstitutionKeys,
  LinkedRecommendationIds,
  MadeAt,
  SourceQuote,
} from './vocabulary';

export const CommitmentCreatedData = z.strictObject({
  commitmentId: z.uuid(),
  /** Natural key from the dataset (e.g. `moura-investigation`); keeps the seed idempotent. */
  externalKey: z.string().min(1).max(200).nullable(),
  title: CommitmentTitle,
  text: z.string().min(1).max(20000),
  madeAt: MadeAt,
  /** How the sources record the commitment, when they do so only indirectly. */
  basisNote: z.string().min(1).max(5000).nullable(),
  sourceQuotes: z.array(SourceQuote).max(20),
  /** Responsible institutions (slugs); a focal point of one of them may write. */
  institutions: InstitutionKeys,
  dueDate: DueDate,
  dueDateKind: DueDateKind,
  /** Why the due date is what it is (required in spirit for a secretariat target). */
  dueDateNote: z.string().min(1).max(2000).nullable(),
  linkedRecommendationIds: LinkedRecommendationIds,
});
export type CommitmentCreatedData = z.infer<typeof CommitmentCreatedData>;

export const CommitmentCreated = defineEvent('commitment.created', 1, CommitmentCreatedData);
export type CommitmentCreated = EventOf<typeof CommitmentCreated>;
