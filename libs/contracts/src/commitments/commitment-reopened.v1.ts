import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { DueDate } from './vocabulary';

/** A lapsed commitment is open again (its due date was extended). */
export const CommitmentReopenedData = z.strictObject({
  commitmentId: z.uuid(),
  dueDate: DueDate,
  reason: z.string().min(1).max(2000),
});
export type CommitmentReopenedData = z.infer<typeof CommitmentReopenedData>;

export const CommitmentReopened = defineEvent('commitment.reopened', 1, CommitmentReopenedData);
export type CommitmentReopened = EventOf<typeof CommitmentReopened>;
