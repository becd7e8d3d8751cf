import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { waitFor } from '@tracker/testing';
import { startSmtpCatcher, type CaughtMail, type SmtpCatcher } from '../support/smtp-catcher';
import { waitForTrackerRow } from '../support/requests';
import { stackForSuite } from '../support/stack';

jest.setTimeout(120_000);

/** How long the SMTP server stays down; the issue asks for 30 s. */
const OUTAGE_MS = Number(process.env.MAIL_TEST_OUTAGE_MS ?? 30_000);
const JUSTICE = 'ministry-of-justice';
const HEALTH = 'ministry-of-health';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();
const DAY = 86_400_000;

interface Logged {
  recipientId: string;
  to: string;
  kind: string;
  status: string;
  messageId: string;
  attempts: { outcome: string; error: string | null; response: string | null }[];
}

describe('alert mail: recipients, lapse mails, the daily digest, retries', () => {
  let smtp: SmtpCatcher;
  const saved = { ...process.env };
  // The gateway serves this stand-in for the web app's build, so a mail's link can be followed.
  const webRoot = mkdtempSync(path.join(os.tmpdir(), 'mail-web-'));
  writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Tracker web app</title>');

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    Object.assign(process.env, {
      MAIL_SMTP_HOST: '127.0.0.1',
      MAIL_SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'Tracker (test) <tracker@example.org>',
      MAIL_LINK_BASE_URL: 'http://tracker.example.org',
      MAIL_BACKOFF_MS: '1000',
      MAIL_MAX_ATTEMPTS: '10',
      MAIL_SEND_TIMEOUT_MS: '5000',
    });
  });
  const suite = stackForSuite(
    {},
    {
      deadlines: { timers: true, reconcileIntervalMs: 1_000 },
      gateway: { WEB_ROOT: webRoot },
    },
  );
  afterAll(async () => {
    process.env = saved;
    await smtp?.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  const api = () => request(suite.stack.gatewayUrl);
  const admin = () => suite.bearer('admin');
  const ids: Record<string, string> = {};
  const people = {
    justice1: { language: 'fr', audience: { kind: 'institution', institution: JUSTICE } },
    justice2: { language: 'fr', audience: { kind: 'institution', institution: JUSTICE } },
    secretariat: { language: 'fr', audience: { kind: 'secretariat' } },
    paused: { language: 'fr', audience: { kind: 'institution', institution: JUSTICE }, paused: true },
    digestOnly: {
      language: 'en',
      audience: { kind: 'institution', institution: JUSTICE },
      mode: 'digest-only',
    },
    health: { language: 'en', audience: { kind: 'institution', institution: HEALTH } },
  } as const;
  const emailOf = (who: keyof typeof people) => `${who.toLowerCase()}.fixture@example.org`;
  const mailsTo = (who: keyof typeof people, from = 0): CaughtMail[] =>
    smtp.received.slice(from).filter((m) => m.to.includes(emailOf(who)));

  const createCommitment = async (dueDate: string, institution: string, title: string): Promise<string> => {
    const res = await api()
      .post('/api/commitments')
      .set('Authorization', suite.bearer('secretariat'))
      .send({
        title: { en: title, fr: `${title} (fr)` },
        text: `Test fixture: ${title}.`,
        madeAt: { forum: 'UPR 2023', date: '2023-05-02', citation: 'A/HRC/53/7, para. 12' },
        institutions: [institution],
        dueDate,
        dueDateKind: 'secretariat-target',
        dueDateNote: null,
      })
      .expect(201);
    return (res.body as { commitmentId: string }).commitmentId;
  };
  const log = async (query = ''): Promise<Logged[]> =>
    (
      (await api().get(`/api/mail/messages?limit=200${query}`).set('Authorization', admin()).expect(200))
        .body as { items: Logged[] }
    ).items;

  it('admins register recipients (events), read them back, and nobody else may', async () => {
    for (const [who, settings] of Object.entries(people)) {
      const res = await api()
        .post('/api/recipients')
        .set('Authorization', admin())
        .send({ email: emailOf(who as keyof typeof people), name: `Fixture ${who}`, ...settings })
        .expect(201);
      ids[who] = (res.body as { recipientId: string }).recipientId;
    }
    // The same registration again is a no-op; the same address with other settings, a conflict.
    await api()
      .post('/api/recipients')
      .set('Authorization', admin())
      .send({ email: emailOf('justice1').toUpperCase(), name: 'Fixture justice1', ...people.justice1 })
      .expect(200);
    await api()
      .post('/api/recipients')
      .set('Authorization', admin())
      .send({ email: emailOf('justice1'), name: 'Fixture justice1', ...people.justice1, language: 'en' })
      .expect(409);
    await api()
      .post('/api/recipients')
      .set('Authorization', admin())
      .send({ email: 'not-an-address', name: 'x', language: 'fr', audience: { kind: 'secretariat' } })
      .expect(400);
    await api().get('/api/recipients').set('Authorization', suite.bearer('secretariat')).expect(403);
    await waitFor(
      async () => {
        const res = await api().get('/api/recipients').set('Authorization', admin()).expect(200);
        return (res.body as { items: unknown[] }).items.length === 6 ? true : undefined;
      },
      { what: 'the six recipients in the read model' },
    );
    const paused = await api().get(`/api/recipients/${ids.paused}`).set('Authorization', admin()).expect(200);
    expect(paused.body).toMatchObject({ email: emailOf('paused'), paused: true, mode: 'immediate' });
  });

  let lapsedId = '';
  it('a commitment due in 2 s lapses: one French mail to each focal point of its institution and one to the secretariat, with a working link', async () => {
    lapsedId = await createCommitment(inMs(2_000), JUSTICE, 'Adopt the law on gender-based violence');
    await waitFor(async () => (smtp.received.length >= 3 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'three lapse mails',
    });
    await sleep(2_000);
    expect(
      smtp.received
        .map((m) => m.to)
        .flat()
        .sort(),
    ).toEqual([emailOf('justice1'), emailOf('justice2'), emailOf('secretariat')].sort());
    for (const mail of smtp.received) {
      expect(mail.subject).toBe('Engagement échu : Adopt the law on gender-based violence (fr)');
      expect(mail.text).toContain('Source : A/HRC/53/7, para. 12 — UPR 2023');
      expect(mail.text).toContain('objectif fixé par le secrétariat');
      expect(mail.html).toContain('lang="fr"');
      const link = /Voir dans le Tracker : (\S+)/.exec(mail.text)?.[1] ?? '';
      expect(link).toBe(`http://tracker.example.org/items/${lapsedId}`);
      // The link's page is the web app's (the gateway serves it at `/`), and the item it opens exists.
      const page = await api().get(new URL(link).pathname).expect(200);
      expect(page.text).toContain('Tracker web app');
      await api().get(`/api/tracker/items/${lapsedId}`).set('Authorization', admin()).expect(200);
    }
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(3);
    const logged = await log();
    expect(logged.map((m) => [m.to, m.status, m.attempts.map((a) => a.outcome)]).sort()).toEqual(
      [emailOf('justice1'), emailOf('justice2'), emailOf('secretariat')]
        .sort()
        .map((to) => [to, 'sent', ['sent']]),
    );
    expect(logged.map((m) => m.messageId).sort()).toEqual(smtp.received.map((m) => m.messageId).sort());
  });

  it('the digest lists exactly the items due in the window for each recipient, nothing of another institution; a paused recipient gets nothing', async () => {
    const before = smtp.received.length;
    const due = {
      in12h: await createCommitment(inMs(DAY / 2), JUSTICE, 'Justice due within a day'),
      in3d: await createCommitment(inMs(3 * DAY), JUSTICE, 'Justice due within a week'),
      in20d: await createCommitment(inMs(20 * DAY), JUSTICE, 'Justice due within a month'),
      in40d: await createCommitment(inMs(40 * DAY), JUSTICE, 'Justice due later'),
      health: await createCommitment(inMs(3 * DAY), HEALTH, 'Health due within a week'),
    };
    for (const id of Object.values(due)) await waitForTrackerRow(suite.stack.gatewayUrl, admin(), id);
    const run = await api().post('/api/mail/digest-runs').set('Authorization', admin()).expect(200);
    // justice1, justice2, digestOnly, health, secretariat: not the paused one.
    expect(run.body).toMatchObject({ recipients: 5, queued: 5 });
    await waitFor(async () => (smtp.received.length >= before + 5 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'five digests',
    });
    const linked = (mail: CaughtMail | undefined) =>
      [...(mail?.text ?? '').matchAll(/\/items\/([0-9a-f-]{36})/g)].map((m) => m[1]).sort();
    const justiceItems = [due.in12h, due.in3d, due.in20d, lapsedId].sort();
    for (const who of ['justice1', 'justice2', 'digestOnly'] as const) {
      const [digest, ...more] = mailsTo(who, before);
      expect(more).toEqual([]);
      expect(linked(digest)).toEqual(justiceItems);
    }
    const [fr] = mailsTo('justice1', before);
    expect(fr?.subject).toMatch(/^Tracker — résumé du .*: 4 élément\(s\)$/);
    expect(fr?.text).toContain('Échéance dans les prochaines 24 heures (1)');
    expect(fr?.text).toContain('Engagements échus (1)');
    const [en] = mailsTo('digestOnly', before);
    expect(en?.text).toContain('Due within 7 days (1)');
    expect(linked(mailsTo('health', before)[0])).toEqual([due.health]);
    expect(linked(mailsTo('secretariat', before)[0])).toEqual([...justiceItems, due.health].sort());
    expect(mailsTo('paused')).toEqual([]);
    // The same day again queues nothing.
    const again = await api().post('/api/mail/digest-runs').set('Authorization', admin()).expect(200);
    expect(again.body).toMatchObject({ recipients: 5, queued: 0 });
  });

  it(`SMTP down for ${OUTAGE_MS / 1000} s: the mails are deferred, then delivered once it is back, none twice; one whose recipient was paused meanwhile is not sent`, async () => {
    const before = smtp.received.length;
    await smtp.stop();
    const downAt = Date.now();
    const id = await createCommitment(inMs(1_000), JUSTICE, 'Lapses while the mail server is down');
    const mine = async () => (await log('&status=deferred')).length;
    await waitFor(async () => ((await mine()) >= 3 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'three deferred mails',
    });
    const paused = await api()
      .patch(`/api/recipients/${ids.justice2}`)
      .set('Authorization', admin())
      .send({ paused: true })
      .expect(200);
    expect(paused.body).toMatchObject({ changed: true, version: 2 });
    await waitFor(
      async () => {
        const res = await api().get(`/api/recipients/${ids.justice2}`).set('Authorization', admin());
        return (res.body as { paused?: boolean }).paused === true ? true : undefined;
      },
      { what: 'justice2 paused in the read model' },
    );
    await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
    await smtp.start();
    await waitFor(async () => (smtp.received.length >= before + 2 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the mails after the outage',
    });
    await sleep(3_000);
    const arrived = smtp.received.slice(before);
    expect(
      arrived
        .map((m) => m.to)
        .flat()
        .sort(),
    ).toEqual([emailOf('justice1'), emailOf('secretariat')].sort());
    expect(arrived.every((m) => m.text.includes(`/items/${id}`))).toBe(true);
    const logged = (await log()).filter((m) => arrived.some((a) => a.messageId === m.messageId));
    expect(logged).toHaveLength(2);
    for (const m of logged) {
      expect(m.status).toBe('sent');
      expect(m.attempts.at(-1)?.outcome).toBe('sent');
      expect(m.attempts.filter((a) => a.outcome === 'deferred').length).toBeGreaterThan(0);
      expect(m.attempts.find((a) => a.outcome === 'deferred')?.error).toMatch(/ECONNREFUSED|connect/i);
    }
    const cancelled = (await log(`&recipientId=${ids.justice2}&status=cancelled`)).map((m) =>
      m.attempts.at(-1),
    );
    expect(cancelled).toEqual([
      {
        at: expect.any(String) as unknown,
        outcome: 'cancelled',
        response: null,
        error: 'the recipient is paused',
      },
    ]);
    expect(mailsTo('paused')).toEqual([]);
    expect(mailsTo('justice2', before)).toEqual([]);
  });
});
