import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';

/** An admin removed a recipient: nothing more is mailed to the address. */
export const RecipientRemovedData = z.strictObject({ recipientId: z.uuid() });
export type RecipientRemovedData = z.infer<typeof RecipientRemovedData>;

export const RecipientRemoved = defineEvent('recipient.removed', 1, RecipientRemovedData);
export type RecipientRemoved = EventOf<typeof RecipientRemoved>;
