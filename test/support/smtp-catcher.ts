import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail the catcher accepted (answered 250), parsed. */
export interface CaughtMail {
  readonly to: readonly string[];
  readonly messageId: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly parsed: ParsedMail;
}

export interface SmtpCatcher {
  readonly port: number;
  /** Every mail accepted, in order. */
  readonly received: CaughtMail[];
  /** Stops listening (an SMTP server down): connections are refused until `start`. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface SmtpCatcherOptions {
  /**
   * Called with each mail before it is answered: `false` leaves the client without an answer (its
   * transaction never completes, so nothing is accepted), e.g. while a test kills the sender.
   */
  readonly beforeAccept?: (mail: CaughtMail) => Promise<boolean>;
}

/**
 * A real SMTP server (npm smtp-server) on 127.0.0.1 that keeps and parses (mailparser) what it
 * accepts: plain SMTP, no authentication, no STARTTLS offered.
 */
export const startSmtpCatcher = async (options: SmtpCatcherOptions = {}): Promise<SmtpCatcher> => {
  const received: CaughtMail[] = [];
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream)
          .then(async (parsed) => {
            const mail: CaughtMail = {
              to: session.envelope.rcptTo.map((a) => a.address),
              messageId: parsed.messageId ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              parsed,
            };
            if (options.beforeAccept && !(await options.beforeAccept(mail))) return;
            received.push(mail);
            callback();
          })
          .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
      },
    });
  let server = make();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  let listening = true;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
    });
  return {
    port,
    received,
    stop,
    start: async () => {
      server = make();
      await listen(port);
      listening = true;
    },
    close: stop,
  };
};
