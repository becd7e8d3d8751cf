import { z } from 'zod';
import { type ConfigVariable, loadConfig } from '@tracker/platform';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * Alert mail settings, validated when the module is built: a bad value stops the boot. Without
 * MAIL_SMTP_HOST nothing is mailed (recipients can still be managed); `npm run up` points it at the
 * local mail catcher.
 */
export const mailConfigSchema = z
  .object({
    MAIL_SMTP_HOST: z.string().trim().min(1).optional(),
    MAIL_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    /** true: TLS from the first byte (port 465); false: plain, upgraded by STARTTLS when offered. */
    MAIL_SMTP_SECURE: flag.default(false),
    /** true: refuse to send unless the server upgrades the connection with STARTTLS. */
    MAIL_SMTP_REQUIRE_TLS: flag.default(false),
    MAIL_SMTP_USER: z.string().min(1).optional(),
    MAIL_SMTP_PASSWORD: z.string().min(1).optional(),
    MAIL_FROM: z.string().trim().min(3).max(300).default('Tracker <tracker@example.org>'),
    /** Where the links in mails point: the gateway, which serves the web app at `/`. */
    MAIL_LINK_BASE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3000'),
    /** The daily digest's time of day, UTC (HH:MM). */
    MAIL_DIGEST_AT: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)')
      .default('07:00'),
    MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(10),
    /** The first retry's delay; each next one doubles (BullMQ exponential backoff). */
    MAIL_BACKOFF_MS: z.coerce.number().int().min(100).default(30_000),
    /** How long one SMTP exchange may take before it counts as failed. */
    MAIL_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    /** A send whose worker died is taken up again after this (BullMQ lock duration). */
    MAIL_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  })
  .refine((c) => (c.MAIL_SMTP_USER === undefined) === (c.MAIL_SMTP_PASSWORD === undefined), {
    message: 'MAIL_SMTP_USER and MAIL_SMTP_PASSWORD go together',
    path: ['MAIL_SMTP_PASSWORD'],
  });
export type MailConfig = z.infer<typeof mailConfigSchema>;

export const mailConfigDocs: Record<keyof MailConfig, ConfigVariable> = {
  MAIL_SMTP_HOST: { description: 'SMTP server for alert mails; unset: no mail is sent', sensitive: false },
  MAIL_SMTP_PORT: {
    description: 'SMTP port (587 submission, 465 TLS, 1025 the local catcher)',
    sensitive: false,
  },
  MAIL_SMTP_SECURE: {
    description: 'true: implicit TLS (port 465); false: STARTTLS when offered',
    sensitive: false,
  },
  MAIL_SMTP_REQUIRE_TLS: { description: 'true: never send over an unencrypted connection', sensitive: false },
  MAIL_SMTP_USER: { description: 'SMTP user (with MAIL_SMTP_PASSWORD)', sensitive: false },
  MAIL_SMTP_PASSWORD: { description: 'SMTP password', sensitive: true },
  MAIL_FROM: { description: 'the From of alert mails', sensitive: false },
  MAIL_LINK_BASE_URL: { description: 'base URL of links in mails (the gateway / web app)', sensitive: false },
  MAIL_DIGEST_AT: { description: 'time of the daily digest, HH:MM UTC', sensitive: false },
  MAIL_MAX_ATTEMPTS: { description: 'SMTP attempts per mail before it is marked failed', sensitive: false },
  MAIL_BACKOFF_MS: { description: 'first retry delay (ms), doubled at each retry', sensitive: false },
  MAIL_SEND_TIMEOUT_MS: {
    description: 'longest SMTP exchange (ms) before an attempt fails',
    sensitive: false,
  },
  MAIL_LOCK_MS: { description: 'after a crash, a send is taken up again after this (ms)', sensitive: false },
};

/** What the mail feature runs with; `smtp: null` when no SMTP server is configured. */
export interface MailOptions {
  readonly smtp: {
    readonly host: string;
    readonly port: number;
    readonly secure: boolean;
    readonly requireTls: boolean;
    readonly auth: { readonly user: string; readonly pass: string } | null;
  } | null;
  readonly from: string;
  readonly linkBaseUrl: string;
  readonly digestAt: { readonly hour: number; readonly minute: number };
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly sendTimeoutMs: number;
  readonly lockMs: number;
}

export const mailOptionsFromEnv = (env: Record<string, string | undefined> = process.env): MailOptions => {
  const c = loadConfig(mailConfigSchema, env);
  const [hour, minute] = c.MAIL_DIGEST_AT.split(':').map(Number) as [number, number];
  return {
    smtp: c.MAIL_SMTP_HOST
      ? {
          host: c.MAIL_SMTP_HOST,
          port: c.MAIL_SMTP_PORT,
          secure: c.MAIL_SMTP_SECURE,
          requireTls: c.MAIL_SMTP_REQUIRE_TLS,
          auth:
            c.MAIL_SMTP_USER && c.MAIL_SMTP_PASSWORD
              ? { user: c.MAIL_SMTP_USER, pass: c.MAIL_SMTP_PASSWORD }
              : null,
        }
      : null,
    from: c.MAIL_FROM,
    linkBaseUrl: c.MAIL_LINK_BASE_URL.replace(/\/+$/, ''),
    digestAt: { hour, minute },
    maxAttempts: c.MAIL_MAX_ATTEMPTS,
    backoffMs: c.MAIL_BACKOFF_MS,
    sendTimeoutMs: c.MAIL_SEND_TIMEOUT_MS,
    lockMs: c.MAIL_LOCK_MS,
  };
};

export const MAIL_OPTIONS = Symbol('MAIL_OPTIONS');
