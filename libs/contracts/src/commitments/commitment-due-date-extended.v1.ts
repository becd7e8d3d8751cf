import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { DueDate, DueDateKind } from './vocabulary';

export const CommitmentDueDateExtendedData = z.strictObject({
  commitmentId: z.uuid(),
  previousDueDate: DueDate,
  dueDate: DueDate,
  dueDateKind: DueDateKind,
  reason: z.string().min(1).max(2000),
});
export type CommitmentDueDateExtendedData = z.infer<typeof CommitmentDueDateExtendedData>;

export const CommitmentDueDateExtended = defineEvent(
  'commitment.due-date-extended',
  1,
  CommitmentDueDateExtendedData,
);
export type CommitmentDueDateExtended = EventOf<typeof CommitmentDueDateExtended>;
