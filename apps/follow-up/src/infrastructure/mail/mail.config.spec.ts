import { ConfigError } from '@tracker/platform';
import { mailOptionsFromEnv } from './mail.config';

describe(mailOptionsFromEnv.name, () => {
  it('without MAIL_SMTP_HOST nothing is mailed; the defaults are the documented ones', () => {
    expect(mailOptionsFromEnv({})).toMatchObject({
      smtp: null,
      from: 'Tracker <tracker@example.org>',
      linkBaseUrl: 'http://127.0.0.1:3000',
      digestAt: { hour: 7, minute: 0 },
      maxAttempts: 10,
      backoffMs: 30_000,
    });
  });

  it('reads host, port, TLS and credentials', () => {
    expect(
      mailOptionsFromEnv({
        MAIL_SMTP_HOST: 'smtp.example.org',
        MAIL_SMTP_PORT: '465',
        MAIL_SMTP_SECURE: 'true',
        MAIL_SMTP_USER: 'tracker',
        MAIL_SMTP_PASSWORD: 'not-a-real-password',
        MAIL_LINK_BASE_URL: 'https://tracker.example.org/',
        MAIL_DIGEST_AT: '18:30',
      }),
    ).toMatchObject({
      smtp: {
        host: 'smtp.example.org',
        port: 465,
        secure: true,
        requireTls: false,
        auth: { user: 'tracker', pass: 'not-a-real-password' },
      },
      linkBaseUrl: 'https://tracker.example.org',
      digestAt: { hour: 18, minute: 30 },
    });
  });

  it.each([
    [{ MAIL_SMTP_PORT: '70000' }, 'MAIL_SMTP_PORT'],
    [{ MAIL_SMTP_SECURE: 'yes' }, 'MAIL_SMTP_SECURE'],
    [{ MAIL_SMTP_USER: 'tracker' }, 'MAIL_SMTP_PASSWORD'],
    [{ MAIL_DIGEST_AT: '7h' }, 'MAIL_DIGEST_AT'],
    [{ MAIL_LINK_BASE_URL: 'ftp://x' }, 'MAIL_LINK_BASE_URL'],
  ])('a bad value stops the boot: %j', (env, name) => {
    expect(() => mailOptionsFromEnv({ MAIL_SMTP_HOST: 'smtp.example.org', ...env })).toThrow(ConfigError);
    expect(() => mailOptionsFromEnv({ MAIL_SMTP_HOST: 'smtp.example.org', ...env })).toThrow(name);
  });
});
