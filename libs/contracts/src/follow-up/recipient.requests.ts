import { z } from 'zod';
import { MAIL_STATUSES } from './mail.responses';
import { MailLanguage, MailMode, RecipientAudience, RecipientEmail } from './recipient-vocabulary';

/** `POST /api/recipients`: mode and paused may be left out (immediate, not paused). */
export const RegisterRecipientRequest = z.strictObject({
  email: RecipientEmail,
  name: z.string().trim().min(1).max(200),
  language: MailLanguage,
  audience: RecipientAudience,
  mode: MailMode.default('immediate'),
  paused: z.boolean().default(false),
});
export type RegisterRecipientRequest = z.infer<typeof RegisterRecipientRequest>;

/** `PATCH /api/recipients/{id}`: the settings to change, at least one (the address never changes). */
export const UpdateRecipientRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    language: MailLanguage.optional(),
    audience: RecipientAudience.optional(),
    mode: MailMode.optional(),
    paused: z.boolean().optional(),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), 'name at least one setting to change');
export type UpdateRecipientRequest = z.infer<typeof UpdateRecipientRequest>;

/** `GET /api/mail/messages`: the delivery log, newest first, optionally of one recipient or status. */
export const MailMessagesQuery = z.strictObject({
  recipientId: z.uuid({ message: 'must be a UUID' }).optional(),
  status: z.enum(MAIL_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type MailMessagesQuery = z.infer<typeof MailMessagesQuery>;
