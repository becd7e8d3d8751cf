/*
 * The follow-up service in a child process of a test (libs/testing runWorker), with alert mail on:
 * `mail` holds the MAIL_* variables. A test kills it with SIGKILL while it sends a mail
 * (test/e2e/mail-restarts.e2e-spec.ts) and starts another. With `killAfterAccepted`, it kills itself
 * the moment the SMTP server accepted its first mail, before the outbox records it: the window
 * docs/adr/0012-alert-mail.md says is only at-least-once.
 */
import 'reflect-metadata';
import { startApp, type BaseConfig } from '@tracker/platform';
import { FollowUpModule } from '../follow-up.module';
import { staleOptionsFromEnv } from '../follow-up.config';
import { mailOptionsFromEnv } from '../infrastructure/mail/mail.config';
import { SmtpTransport } from '../infrastructure/mail/smtp-transport';

interface Args {
  readonly config: BaseConfig;
  readonly mail: Record<string, string>;
  readonly killAfterAccepted?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;

const main = async (): Promise<void> => {
  const { app, url } = await startApp(
    FollowUpModule.forRoot(args.config, staleOptionsFromEnv(), mailOptionsFromEnv(args.mail)),
    args.config,
  );
  if (args.killAfterAccepted) {
    // The outbox holds this same instance: the next accepted mail is never recorded as sent.
    const transport = app.get(SmtpTransport);
    const send = transport.send.bind(transport);
    transport.send = async (mail) => {
      const response = await send(mail);
      process.stdout.write(`${JSON.stringify({ killing: 'after-accepted', to: mail.to })}\n`);
      process.kill(process.pid, 'SIGKILL');
      return response;
    };
  }
  process.stdout.write(`${JSON.stringify({ url, pid: process.pid })}\n`);
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
