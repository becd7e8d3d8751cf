import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { RecipientEmail, RecipientSettings } from './recipient-vocabulary';

/** An admin registered a person to receive alert mails (or registered the address again after removal). */
export const RecipientRegisteredData = RecipientSettings.extend({
  recipientId: z.uuid(),
  email: RecipientEmail,
});
export type RecipientRegisteredData = z.infer<typeof RecipientRegisteredData>;

export const RecipientRegistered = defineEvent('recipient.registered', 1, RecipientRegisteredData);
export type RecipientRegistered = EventOf<typeof RecipientRegistered>;
