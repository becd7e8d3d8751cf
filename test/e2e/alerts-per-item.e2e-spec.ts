import { MongoClient } from 'mongodb';
import request from 'supertest';
import { assessmentIdFor } from '@tracker/contracts';
import { MongoEventStore } from '@tracker/event-store';
import { waitFor } from '@tracker/testing';
import { startStack, type Stack } from '../support/stack';

/**
 * Issue 6 leftovers, through the gateway: an item's own staleness period (PUT
 * /api/tracker/items/:id/stale-after) and the alert feed scoped to a focal point's institution.
 */

const OWN = 'ministry-of-justice';
const OTHER = 'ministry-of-defence';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const commitment = (institutions: string[], dueDate = '2099-12-31'): Record<string, unknown> => ({
  title: { en: 'Adopt the law on gender-based violence' },
  text: 'Mali undertook to adopt the draft law on gender-based violence.',
  madeAt: { forum: 'UPR 2023', date: '2023-05-02', citation: 'A/HRC/53/7' },
  institutions,
  dueDate,
  dueDateKind: 'secretariat-target',
  dueDateNote: null,
});

interface FeedAlert {
  alertId: string;
  type: string;
  itemKind: string;
  itemId: string;
  period?: number;
  staleAfterMs?: number;
  acknowledged: boolean;
}

describe('alerts per item: own staleness periods and the focal point’s feed', () => {
  let stack: Stack;
  const saved = { ...process.env };
  const api = () => request(stack.gatewayUrl);
  const bearer = (role: Parameters<Stack['token']>[0], institution?: string) =>
    `Bearer ${stack.token(role, institution)}`;
  const secretariat = () => bearer('secretariat');

  const create = async (institutions: string[], dueDate?: string): Promise<string> => {
    const res = await api()
      .post('/api/commitments')
      .set('Authorization', secretariat())
      .send(commitment(institutions, dueDate))
      .expect(201);
    return (res.body as { commitmentId: string }).commitmentId;
  };
  const known = (id: string) =>
    waitFor(
      async () =>
        (await api().get(`/api/tracker/items/${id}`).set('Authorization', secretariat())).status === 200
          ? true
          : undefined,
      { what: `follow-up to know ${id}` },
    );
  const feed = async (auth: string, query = 'limit=200'): Promise<FeedAlert[]> =>
    (
      (await api().get(`/api/alerts?${query}`).set('Authorization', auth).expect(200)).body as {
        items: FeedAlert[];
      }
    ).items;
  const setPeriod = (id: string, body: object, auth = secretariat()) =>
    api().put(`/api/tracker/items/${id}/stale-after`).set('Authorization', auth).send(body);

  beforeAll(async () => {
    // A global N of 3650 "days" of 1 s (an hour): nothing on the global period goes stale here.
    process.env.ASSESSMENT_STALE_AFTER_DAYS = '3650';
    process.env.ASSESSMENT_STALE_DAY_MS = '1000';
    process.env.ASSESSMENT_STALE_CHECK_INTERVAL_MS = '500';
    stack = await startStack();
  }, 60_000);
  afterAll(async () => {
    process.env = saved;
    await stack?.close();
  });

  let ownStale = '';

  it('an item with its own period of 2 days goes stale, once per period; one on the global period does not', async () => {
    const own = await create([OWN]);
    const global = await create([OTHER]);
    ownStale = own;
    await known(own);
    await known(global);

    const set = await setPeriod(own, { staleAfterDays: 2, reason: 'reported on every month' }).expect(200);
    expect(set.body).toEqual({
      itemId: own,
      target: { kind: 'commitment', id: own },
      staleAfterDays: 2,
      changed: true,
    });
    // The same PUT again appends nothing.
    expect((await setPeriod(own, { staleAfterDays: 2 }).expect(200)).body).toMatchObject({ changed: false });

    const staleOf = async (id: string): Promise<FeedAlert[]> =>
      (await feed(secretariat(), 'type=assessment.stale&limit=200')).filter((a) => a.itemId === id);
    await waitFor(async () => ((await staleOf(own)).length > 0 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'the stale alert of the item with its own period',
    });
    await sleep(1_500);
    // Stale every 2 s from when follow-up learnt of it: once per period, each period once (the first
    // may be period 2 or 3 if setting the period took that long: a period passed is raised late, once).
    const raised = await staleOf(own);
    const periods = raised.map((a) => a.period);
    expect(new Set(periods).size).toBe(periods.length);
    for (const a of raised) expect(a).toMatchObject({ itemKind: 'commitment', staleAfterMs: 2_000 });
    expect(await staleOf(global)).toEqual([]);

    // 0: never stale again. The stream decides with its own period, so once the PUT has answered
    // no stale event follows; the feed catches up with those already appended, then stays.
    expect(
      (await setPeriod(own, { staleAfterDays: 0, reason: 'closed file' }).expect(200)).body,
    ).toMatchObject({ staleAfterDays: 0, changed: true });
    const client = await MongoClient.connect(process.env.MONGO_URL!);
    try {
      const store = new MongoEventStore(client.db(stack.ns.db('follow-up')));
      const stream = () => store.readStream(`staleness-${assessmentIdFor({ kind: 'commitment', id: own })}`);
      const staleEvents = async () => (await stream()).filter((e) => e.type === 'assessment.stale').length;
      const appended = await staleEvents();
      await waitFor(async () => ((await staleOf(own)).length === appended ? true : undefined), {
        what: `the feed to show the ${appended} stale alerts appended`,
      });
      await sleep(3_000);
      expect(await staleEvents()).toBe(appended);
      expect(await staleOf(own)).toHaveLength(appended);
      expect(await staleOf(global)).toEqual([]);

      // Who set it and why is in the events' metadata.
      const sets = (await stream()).filter((e) => e.type === 'assessment.stale-period-set');
      expect(sets.map((e) => [e.data, e.metadata.actor, e.metadata.reason])).toEqual([
        [expect.objectContaining({ staleAfterDays: 2 }), 'test-secretariat', 'reported on every month'],
        [expect.objectContaining({ staleAfterDays: 0 }), 'test-secretariat', 'closed file'],
      ]);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('bad periods are 400 problem+json; unknown items 404; only staff may set one', async () => {
    const id = await create([OWN]);
    await known(id);
    for (const body of [
      {},
      { staleAfterDays: -1 },
      { staleAfterDays: 1.5 },
      { staleAfterDays: 3651 },
      { staleAfterDays: '30' },
      { staleAfterDays: 30, extra: true },
      { staleAfterDays: 30, reason: '' },
    ]) {
      const res = await setPeriod(id, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const unknown = await setPeriod('0190d4c8-0000-7000-8000-000000000000', { staleAfterDays: 30 });
    expect([unknown.status, unknown.headers['content-type']]).toEqual([
      404,
      expect.stringMatching(/problem\+json/),
    ]);
    expect((await setPeriod('not-a-uuid', { staleAfterDays: 30 })).status).toBe(400);
    for (const auth of [bearer('focal-point', OWN), bearer('auditor'), bearer('viewer')])
      expect((await setPeriod(id, { staleAfterDays: 30 }, auth)).status).toBe(403);
    expect((await setPeriod(id, { staleAfterDays: null }, bearer('admin')).expect(200)).body).toMatchObject({
      staleAfterDays: null,
      changed: false,
    });
  }, 60_000);

  it('a focal point sees and acknowledges only alerts about its own institution’s commitments', async () => {
    // Lapsing a past-due commitment by hand raises an alert (timers are off in this stack).
    const lapse = async (institutions: string[]): Promise<string> => {
      const id = await create(institutions, '2024-02-24');
      await api()
        .post(`/api/commitments/${id}/lapse`)
        .set('Authorization', secretariat())
        .set('If-Match', '"1"')
        .expect(200);
      return id;
    };
    const ours = await lapse([OWN]);
    const shared = await lapse([OTHER, OWN]);
    const theirs = await lapse([OTHER]);
    const alertOf = (id: string) =>
      waitFor(
        async () =>
          (await feed(secretariat(), 'type=commitment.lapsed&limit=200')).find((a) => a.itemId === id)
            ?.alertId,
        { what: `the lapse alert of ${id}` },
      );
    const [oursAlert, sharedAlert, theirsAlert] = [
      await alertOf(ours),
      await alertOf(shared),
      await alertOf(theirs),
    ];

    // The alert feed and the tracker rows consume the commitments topic separately: wait
    // until the ownership of what the focal point should see has arrived, then look at the rest.
    const feedWith = (auth: string, ids: string[]) =>
      waitFor(
        async () => {
          const items = await feed(auth);
          return ids.every((id) => items.some((a) => a.itemId === id)) ? items : undefined;
        },
        { what: `a focal point's feed to show ${ids.join(', ')}` },
      );
    const ownFeed = await feedWith(bearer('focal-point', OWN), [ours, shared]);
    const ownIds = new Set(ownFeed.map((a) => a.itemId));
    expect([ownIds.has(ours), ownIds.has(shared), ownIds.has(theirs)]).toEqual([true, true, false]);
    // The stale alerts of the first test's commitment (ministry of justice) are in its feed too.
    expect(ownStale).not.toBe('');
    expect(ownIds.has(ownStale)).toBe(true);
    expect(ownFeed.every((a) => a.itemKind === 'commitment')).toBe(true);
    const otherIds = new Set(
      (await feedWith(bearer('focal-point', OTHER), [shared, theirs])).map((a) => a.itemId),
    );
    expect([otherIds.has(ours), otherIds.has(shared), otherIds.has(theirs), otherIds.has(ownStale)]).toEqual([
      false,
      true,
      true,
      false,
    ]);
    // A focal point without an institution sees nothing; other roles see everything, as before.
    expect(await feed(bearer('focal-point'))).toEqual([]);
    const viewerIds = new Set((await feed(bearer('viewer'))).map((a) => a.itemId));
    expect([viewerIds.has(ours), viewerIds.has(theirs)]).toEqual([true, true]);

    // Page by page (limit 1), the cursor never leads out of the focal point's scope.
    const paged: string[] = [];
    for (let cursor: string | null = null, pages = 0; pages < 50; pages++) {
      const q: string = `type=commitment.lapsed&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await api()
        .get(`/api/alerts?${q}`)
        .set('Authorization', bearer('focal-point', OWN))
        .expect(200);
      const body = res.body as { items: FeedAlert[]; nextCursor: string | null };
      paged.push(...body.items.map((a) => a.itemId));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(paged.sort()).toEqual([ours, shared].sort());

    // Someone else's alert: 404, as if it did not exist, and it stays unacknowledged.
    const denied = await api()
      .post(`/api/alerts/${theirsAlert}/acknowledgement`)
      .set('Authorization', bearer('focal-point', OWN));
    expect([denied.status, denied.headers['content-type']]).toEqual([
      404,
      expect.stringMatching(/problem\+json/),
    ]);
    expect((await feed(secretariat())).find((a) => a.alertId === theirsAlert)).toMatchObject({
      acknowledged: false,
    });
    for (const alertId of [oursAlert, sharedAlert]) {
      const ack = await api()
        .post(`/api/alerts/${alertId}/acknowledgement`)
        .set('Authorization', bearer('focal-point', OWN))
        .expect(200);
      expect(ack.body).toMatchObject({ alertId, acknowledged: true, acknowledgedBy: 'test-focal-point' });
    }
    await api()
      .post(`/api/alerts/${theirsAlert}/acknowledgement`)
      .set('Authorization', bearer('focal-point', OTHER))
      .expect(200);
  }, 60_000);
});
