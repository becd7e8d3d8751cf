import request from 'supertest';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET } from '@tracker/auth';
import { runWorker, type RunningChild, waitFor } from '@tracker/testing';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp-catcher';
import { stackForSuite } from '../support/stack';

jest.setTimeout(150_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();
const LOCK_MS = 2_000;

interface Logged {
  to: string;
  messageId: string;
  status: string;
  attempts: { outcome: string }[];
}

/**
 * The follow-up service sends mail in a child process, killed with SIGKILL while it sends; another is
 * started. The stack's own follow-up serves the API with mail off (no MAIL_SMTP_HOST), so only the
 * children send.
 */
describe('alert mail across a kill at send time', () => {
  let smtp: SmtpCatcher;
  /** Set while a child must not have its mails accepted: the test kills it mid-send. */
  let killing: RunningChild | null = null;
  const children: RunningChild[] = [];
  const suite = stackForSuite({}, { deadlines: { timers: true, reconcileIntervalMs: 1_000 } });

  beforeAll(async () => {
    smtp = await startSmtpCatcher({
      beforeAccept: async () => {
        if (!killing) return true;
        // The whole mail has arrived and waits for the server's 250: the sender dies now, unanswered.
        const victim = killing;
        if (victim.child.exitCode === null && victim.child.signalCode === null) victim.child.kill('SIGKILL');
        await victim.done;
        return false;
      },
    });
  });
  afterAll(async () => {
    for (const c of children)
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGTERM');
    await Promise.allSettled(children.map((c) => c.done));
    await smtp?.close();
  });

  const api = () => request(suite.stack.gatewayUrl);
  const admin = () => suite.bearer('admin');
  const startChild = (killAfterAccepted = false): RunningChild => {
    const { stack } = suite;
    const child = runWorker('apps/follow-up/src/testing/follow-up.worker.ts', {
      config: {
        HOST: '127.0.0.1',
        PORT: 0,
        LOG_LEVEL: 'error',
        MONGO_URL: process.env.MONGO_URL,
        MONGO_DB: stack.ns.db('follow-up'),
        KAFKA_BROKERS: process.env.KAFKA_BROKERS!.split(','),
        KAFKA_TOPIC_PREFIX: stack.ns.topicPrefix,
        JWT_SECRET: DEV_JWT_SECRET,
        JWT_ISSUER: DEFAULT_JWT_ISSUER,
        INSTANCE_ID: `${stack.ns.id}-follow-up-child-${children.length}`,
        REDIS_URL: process.env.REDIS_URL,
      },
      mail: {
        MAIL_SMTP_HOST: '127.0.0.1',
        MAIL_SMTP_PORT: String(smtp.port),
        MAIL_FROM: 'Tracker (test) <tracker@example.org>',
        MAIL_BACKOFF_MS: '500',
        MAIL_LOCK_MS: String(LOCK_MS),
        MAIL_SEND_TIMEOUT_MS: '5000',
      },
      killAfterAccepted,
    });
    children.push(child);
    return child;
  };
  const lapseFor = async (institution: string): Promise<string> => {
    const res = await api()
      .post('/api/commitments')
      .set('Authorization', suite.bearer('secretariat'))
      .send({
        title: { en: 'Adopt the law on gender-based violence', fr: null },
        text: 'Test fixture.',
        madeAt: { forum: 'UPR 2023', date: '2023-05-02', citation: 'A/HRC/53/7, para. 12' },
        institutions: [institution],
        dueDate: inMs(3_000),
        dueDateKind: 'sourced',
        dueDateNote: null,
      })
      .expect(201);
    return (res.body as { commitmentId: string }).commitmentId;
  };
  const log = async (): Promise<Logged[]> =>
    (
      (await api().get('/api/mail/messages?limit=200').set('Authorization', admin()).expect(200)).body as {
        items: Logged[];
      }
    ).items;
  const register = async (email: string, institution: string): Promise<void> => {
    await api()
      .post('/api/recipients')
      .set('Authorization', admin())
      .send({
        email,
        name: 'Development fixture',
        language: 'en',
        audience: { kind: 'institution', institution },
      })
      .expect(201);
  };
  const recipientsKnown = (n: number) =>
    waitFor(
      async () => {
        const res = await api().get('/api/recipients').set('Authorization', admin()).expect(200);
        return (res.body as { items: unknown[] }).items.length === n ? true : undefined;
      },
      { what: `${n} recipients in the read model` },
    );

  it('killed between the end of the mail and the server’s 250, then restarted: exactly one mail', async () => {
    await register('kill.fixture@example.org', 'ministry-of-justice');
    await recipientsKnown(1);
    const first = startChild();
    await first.waitForLine((l) => typeof l.url === 'string', 60_000);
    killing = first;
    const id = await lapseFor('ministry-of-justice');
    const { signal } = await first.done;
    expect(signal).toBe('SIGKILL');
    expect(smtp.received).toEqual([]);
    killing = null;
    const second = startChild();
    await second.waitForLine((l) => typeof l.url === 'string', 60_000);
    await waitFor(async () => (smtp.received.length > 0 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the mail after the restart',
    });
    // Long enough for any second copy: the lock of the dead worker's job has long expired.
    await sleep(3 * LOCK_MS + 2_000);
    expect(smtp.received.map((m) => m.to)).toEqual([['kill.fixture@example.org']]);
    expect(smtp.received[0]!.text).toContain(`/items/${id}`);
    const [logged, ...more] = await log();
    expect(more).toEqual([]);
    expect(logged).toMatchObject({ status: 'sent', messageId: smtp.received[0]!.messageId });
    expect(logged!.attempts.map((a) => a.outcome)).toEqual(['interrupted', 'sent']);
    second.child.kill('SIGTERM');
    await second.done;
  });

  it('killed after the server’s 250 but before the outbox recorded it: sent again, with the same Message-ID', async () => {
    const before = smtp.received.length;
    await register('after-accepted.fixture@example.org', 'ministry-of-health');
    await recipientsKnown(2);
    const first = startChild(true);
    await first.waitForLine((l) => typeof l.url === 'string', 60_000);
    await lapseFor('ministry-of-health');
    expect((await first.done).signal).toBe('SIGKILL');
    const second = startChild();
    await second.waitForLine((l) => typeof l.url === 'string', 60_000);
    await waitFor(async () => (smtp.received.length >= before + 2 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the copy sent after the restart',
    });
    await sleep(3 * LOCK_MS);
    const copies = smtp.received.slice(before);
    // The documented limit (ADR 0012): two copies, one Message-ID, which mail clients show as one mail.
    expect(copies.map((m) => m.to)).toEqual([
      ['after-accepted.fixture@example.org'],
      ['after-accepted.fixture@example.org'],
    ]);
    expect(copies[0]!.messageId).toBe(copies[1]!.messageId);
    const logged = (await log()).find((m) => m.to === 'after-accepted.fixture@example.org');
    expect(logged?.attempts.map((a) => a.outcome)).toEqual(['interrupted', 'sent']);
  });
});
