import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { IsoDate } from '../recommendations/vocabulary';

export const CommitmentWithdrawnData = z.strictObject({
  commitmentId: z.uuid(),
  withdrawnOn: IsoDate,
  reason: z.string().min(1).max(2000),
});
export type CommitmentWithdrawnData = z.infer<typeof CommitmentWithdrawnData>;

export const CommitmentWithdrawn = defineEvent('commitment.withdrawn', 1, CommitmentWithdrawnData);
export type CommitmentWithdrawn = EventOf<typeof CommitmentWithdrawn>;
