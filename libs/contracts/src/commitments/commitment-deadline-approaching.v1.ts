import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { DueDate } from './vocabulary';

/**
 * A reminder: an open commitment's due instant is `leadMs` away (one of the configured lead times,
 * 30 d, 7 d and 1 d by default). One per (due instant, lead time); a reminder that would come after a
 * shorter one, or after the due instant, is never sent.
 */
export const CommitmentDeadlineApproachingData = z.strictObject({
  commitmentId: z.uuid(),
  dueDate: DueDate,
  /** The due instant (see dueInstantOf). */
  dueAt: z.iso.datetime(),
  /** The lead time of this reminder, in milliseconds (30 d = 2,592,000,000). */
  leadMs: z.number().int().positive(),
  /** dueAt − leadMs: when the reminder was due. */
  remindAt: z.iso.datetime(),
  /** When it was decided (at or after remindAt; later when it fired late, e.g. after a restart). */
  remindedAt: z.iso.datetime(),
});
export type CommitmentDeadlineApproachingData = z.infer<typeof CommitmentDeadlineApproachingData>;

export const CommitmentDeadlineApproaching = defineEvent(
  'commitment.deadline-approaching',
  1,
  CommitmentDeadlineApproachingData,
);
export type CommitmentDeadlineApproaching = EventOf<typeof CommitmentDeadlineApproaching>;
