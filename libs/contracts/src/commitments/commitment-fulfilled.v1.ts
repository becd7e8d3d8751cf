import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { IsoDate } from '../recommendations/vocabulary';
import { Evidence } from './vocabulary';

export const CommitmentFulfilledData = z.strictObject({
  commitmentId: z.uuid(),
  fulfilledOn: IsoDate,
  evidence: z.array(Evidence).min(1).max(50),
  note: z.string().min(1).max(5000).nullable(),
});
export type CommitmentFulfilledData = z.infer<typeof CommitmentFulfilledData>;

export const CommitmentFulfilled = defineEvent('commitment.fulfilled', 1, CommitmentFulfilledData);
export type CommitmentFulfilled = EventOf<typeof CommitmentFulfilled>;
