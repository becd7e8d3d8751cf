import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { DueDate } from './vocabulary';

/** The due date passed while the commitment was open. */
export const CommitmentLapsedData = z.strictObject({
  commitmentId: z.uuid(),
  dueDate: DueDate,
  /** The due instant (see dueInstantOf): when it became overdue. */
  dueAt: z.iso.datetime(),
  /** When the lapse was decided (at or after dueAt; later when a timer fired late). */
  lapsedAt: z.iso.datetime(),
});
export type CommitmentLapsedData = z.infer<typeof CommitmentLapsedData>;

export const CommitmentLapsed = defineEvent('commitment.lapsed', 1, CommitmentLapsedData);
export type CommitmentLapsed = EventOf<typeof CommitmentLapsed>;
