import { z } from 'zod';
import type { AnswerOf } from '../answer';
import { IsoDate } from '../recommendations/vocabulary';
import { MailLanguage, MailMode, RecipientAudience } from './recipient-vocabulary';

const Instant = z.iso.datetime({ offset: true });
/**
 * An address as registered (zod's e-mail check at the request's edge). Not `format: email` here: JSON
 * Schema validators read that format more narrowly than zod, and an answer must match its document.
 */
const Address = z.string().min(3).max(254);

/** A recipient of alert mails, as the read model holds it. */
export const RecipientBody = z.object({
  recipientId: z.uuid(),
  email: Address,
  name: z.string(),
  language: MailLanguage,
  audience: RecipientAudience,
  mode: MailMode,
  paused: z.boolean(),
  /** Version of the recipient's stream (also the ETag). */
  version: z.number().int().min(1),
  registeredAt: Instant,
  updatedAt: Instant,
});
export type RecipientBody = AnswerOf<typeof RecipientBody>;

/** `POST /api/recipients` (201 registered, 200 exactly this recipient was registered before). */
export const RegisterRecipientResult = z.object({
  recipientId: z.uuid(),
  version: z.number().int().min(1),
  /** False when exactly these settings were registered before (nothing changed). */
  registered: z.boolean(),
});
export type RegisterRecipientResult = AnswerOf<typeof RegisterRecipientResult>;

/** `GET /api/recipients`: every recipient, by address. */
export const RecipientListBody = z.object({ items: z.array(RecipientBody) });
export type RecipientListBody = AnswerOf<typeof RecipientListBody>;

/** `cancelled`: its recipient was paused or removed before it could be sent. */
export const MAIL_STATUSES = ['pending', 'sending', 'sent', 'deferred', 'failed', 'cancelled'] as const;

/** One mail of the delivery log: its state and every attempt to hand it to the SMTP server. */
export const MailMessageBody = z.object({
  /** Stable across retries and restarts: a mail client shows one mail per Message-ID. */
  messageId: z.string(),
  recipientId: z.uuid(),
  to: Address,
  kind: z.enum(['alert', 'digest']),
  /** The alert it tells of (kind `alert`). */
  alertId: z.uuid().nullable(),
  /** The day it digests (kind `digest`). */
  digestDate: IsoDate.nullable(),
  subject: z.string(),
  status: z.enum(MAIL_STATUSES),
  attempts: z.array(
    z.object({
      at: Instant,
      outcome: z.enum(['sent', 'deferred', 'failed', 'interrupted', 'cancelled']),
      /** The SMTP server's answer (e.g. `250 OK: queued`), when it gave one. */
      response: z.string().nullable(),
      error: z.string().nullable(),
    }),
  ),
  createdAt: Instant,
  sentAt: Instant.nullable(),
});
export type MailMessageBody = AnswerOf<typeof MailMessageBody>;

/** `GET /api/mail/messages`, newest first. */
export const MailMessageListBody = z.object({ items: z.array(MailMessageBody) });
export type MailMessageListBody = AnswerOf<typeof MailMessageListBody>;

/** `POST /api/mail/digest-runs`: today's digest, queued for every recipient it concerns. */
export const DigestRunResult = z.object({
  digestDate: IsoDate,
  /** Recipients who are sent a digest (not paused, something to tell). */
  recipients: z.number().int().min(0),
  /** Mails queued by this run; 0 when today's digests were queued before. */
  queued: z.number().int().min(0),
});
export type DigestRunResult = AnswerOf<typeof DigestRunResult>;

/** `PATCH /api/recipients/{id}`. */
export const UpdateRecipientResult = z.object({
  recipientId: z.uuid(),
  version: z.number().int().min(1),
  /** False when the settings already were these: nothing was appended. */
  changed: z.boolean(),
});
export type UpdateRecipientResult = AnswerOf<typeof UpdateRecipientResult>;
