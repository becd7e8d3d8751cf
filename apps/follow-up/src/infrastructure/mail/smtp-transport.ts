import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { SMTPSentMessageInfo, SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import { MAIL_OPTIONS, type MailOptions } from './mail.config';

export interface OutgoingMail {
  readonly messageId: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** An SMTP answer of 5xx: the server refuses for good, retrying will not help. */
export const isPermanentSmtpError = (err: unknown): boolean => {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
};

/** Hands a mail to the SMTP server (nodemailer); resolves with the server's answer once it accepted it. */
@Injectable()
export class SmtpTransport implements OnApplicationShutdown {
  private readonly transporter: Mail<SMTPSentMessageInfo, SMTPTransportOptions> | null;

  constructor(@Inject(MAIL_OPTIONS) private readonly options: MailOptions) {
    const smtp = options.smtp;
    this.transporter = smtp
      ? nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure,
          requireTLS: smtp.requireTls,
          ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.pass } } : {}),
          connectionTimeout: options.sendTimeoutMs,
          greetingTimeout: options.sendTimeoutMs,
          socketTimeout: options.sendTimeoutMs,
        })
      : null;
  }

  async send(mail: OutgoingMail): Promise<string> {
    if (!this.transporter) throw new Error('no SMTP server is configured (MAIL_SMTP_HOST)');
    const info = await this.transporter.sendMail({
      from: this.options.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      // Ours, not nodemailer's: the same mail keeps its Message-ID across retries and restarts.
      messageId: mail.messageId,
    });
    return String(info.response);
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }
}
