import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { Slug } from '../recommendations/vocabulary';

/** The languages alert mails are written in. */
export const MAIL_LANGUAGES = ['fr', 'en'] as const;
export const MailLanguage = z.enum(MAIL_LANGUAGES);
export type MailLanguage = z.infer<typeof MailLanguage>;

/**
 * Whose alerts a person receives: the focal points of one institution (its commitments), or the
 * secretariat (every item).
 */
export const RecipientAudience = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('institution'), institution: Slug }),
  z.strictObject({ kind: z.literal('secretariat') }),
]);
export type RecipientAudience = z.infer<typeof RecipientAudience>;

/** `immediate`: a mail per lapse and the daily digest; `digest-only`: the daily digest alone. */
export const MAIL_MODES = ['immediate', 'digest-only'] as const;
export const MailMode = z.enum(MAIL_MODES);
export type MailMode = z.infer<typeof MailMode>;

/** An e-mail address, kept lower-case: the same mailbox is one recipient. */
export const RecipientEmail = z
  .email({ message: 'must be an e-mail address' })
  .max(254)
  .transform((s) => s.toLowerCase());

/** What an admin says about a person who receives alert mails (the address aside). */
export const RecipientSettings = z.strictObject({
  /** How mails address the person ("Aminata Example"); development fixtures say they are fixtures. */
  name: z.string().trim().min(1).max(200),
  language: MailLanguage,
  audience: RecipientAudience,
  mode: MailMode,
  /** A paused recipient receives nothing, neither alerts nor digests, until resumed. */
  paused: z.boolean(),
});
export type RecipientSettings = z.infer<typeof RecipientSettings>;

/** Fixed namespace: one recipient stream per address, the same in every environment. */
export const RECIPIENT_NAMESPACE = '5b0c9e7a-3f41-4d2b-9c8e-6a1f0e2d7b34';

/** The recipient id of an address (lower-cased first), so registering an address twice is idempotent. */
export const recipientIdFor = (email: string): string => uuidv5(email.toLowerCase(), RECIPIENT_NAMESPACE);
