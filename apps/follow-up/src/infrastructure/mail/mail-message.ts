import { createHash } from 'node:crypto';
import type { MailMessageBody } from '@tracker/contracts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
export type MailAttempt = Mutable<MailMessageBody['attempts'][number]>;

/** One mail to one person: the outbox row, keyed by (what it tells of, recipient). */
export interface MailMessage extends Omit<Mutable<MailMessageBody>, 'attempts'> {
  readonly _id: string;
  readonly text: string;
  readonly html: string;
  attempts: MailAttempt[];
}

/** A mail to queue: `key` names what it tells of (`alert:<id>`, `digest:<date>`). */
export type MailDraft = Pick<
  MailMessage,
  'recipientId' | 'to' | 'kind' | 'alertId' | 'digestDate' | 'subject' | 'text' | 'html'
> & { readonly key: string };

export const MAIL_MESSAGES = 'mail_messages';

/** A mail in one of these states is never sent (again). */
export const DONE: readonly MailMessage['status'][] = ['sent', 'failed', 'cancelled'];

/** A Message-ID that depends only on the outbox key: every retry of a mail carries the same one. */
export const messageIdOf = (id: string, from: string): string => {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'tracker.invalid';
  return `<${createHash('sha256').update(id).digest('hex').slice(0, 32)}@${domain}>`;
};
