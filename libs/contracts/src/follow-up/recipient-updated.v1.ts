import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { RecipientSettings } from './recipient-vocabulary';

/**
 * An admin changed how a recipient is mailed (language, audience, mode, paused): the whole settings as
 * they now are, so a reader needs no earlier event to know them. The address never changes: a new
 * address is a new recipient.
 */
export const RecipientUpdatedData = RecipientSettings.extend({ recipientId: z.uuid() });
export type RecipientUpdatedData = z.infer<typeof RecipientUpdatedData>;

export const RecipientUpdated = defineEvent('recipient.updated', 1, RecipientUpdatedData);
export type RecipientUpdated = EventOf<typeof RecipientUpdated>;
