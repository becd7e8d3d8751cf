import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { prefixedTopic, Topics } from '@tracker/contracts';
import { MongoEventStore } from '@tracker/event-store';
import { createKafka, KafkaEventPublisher } from '@tracker/messaging';
import { waitFor } from '@tracker/testing';
import { MongoClient } from 'mongodb';
import { waitUntilScheduled, withDeadlineQueue } from '../support/deadline-queue';
import { startStack, type Stack } from '../support/stack';
import {
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../support/webhook-receiver';

interface AlertBody {
  type: string;
  data: { alertId: string; commitmentId: string; dueAt: string; lapsedAt: string };
}

const commitment = (dueDate: string): Record<string, unknown> => ({
  title: { en: 'Publish the Moura inquiry report' },
  text: 'Mali promised to publish the report of the Moura inquiry.',
  madeAt: { forum: 'Security Council', date: '2023-01-10', citation: 'S/PV.9999' },
  institutions: ['judiciary'],
  dueDate,
  dueDateKind: 'secretariat-target',
  dueDateNote: null,
});

const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('deadline alerts: lapse timers, the alert feed and signed webhooks', () => {
  let stack: Stack;
  let secretariat: string;
  let hook: WebhookReceiver;
  let secret: string;
  let firstLapsed = '';
  const api = () => request(stack.gatewayUrl);

  const create = async (dueDate: string): Promise<string> =>
    (
      (
        await api()
          .post('/api/commitments')
          .set('Authorization', secretariat)
          .send(commitment(dueDate))
          .expect(201)
      ).body as { commitmentId: string }
    ).commitmentId;
  const get = async (
    id: string,
  ): Promise<{ status: string; dueAt: string; lapsedAt: string | null; version: number }> =>
    (await api().get(`/api/commitments/${id}`).set('Authorization', secretariat).expect(200)).body as {
      status: string;
      dueAt: string;
      lapsedAt: string | null;
      version: number;
    };
  const deliveriesFor = (id: string, path = '/hook'): ReceivedRequest[] =>
    hook.received.filter(
      (r) => r.path === path && (JSON.parse(r.body) as AlertBody).data.commitmentId === id,
    );
  const lapsed = (id: string, timeoutMs = 15_000) =>
    waitFor(
      async () => {
        const c = await get(id);
        return c.status === 'lapsed' ? c : undefined;
      },
      { timeoutMs, intervalMs: 50, what: `commitment ${id} to lapse` },
    );

  beforeAll(async () => {
    hook = await startWebhookReceiver();
    stack = await startStack({}, { deadlines: { timers: true, reconcileIntervalMs: 1_000 } });
    secretariat = `Bearer ${stack.token('secretariat')}`;
    const sub = await api()
      .post('/api/subscriptions')
      .set('Authorization', secretariat)
      .send({ url: `${hook.url}/hook`, eventTypes: ['commitment.lapsed'] })
      .expect(201);
    secret = (sub.body as { secret: string }).secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await hook?.close();
  });

  it('a commitment due in 2 s lapses within 1 s of its due time; the subscriber gets one signed delivery', async () => {
    const id = await create(inMs(2_000));
    firstLapsed = id;
    const c = await lapsed(id);
    const lateness = Date.parse(c.lapsedAt!) - Date.parse(c.dueAt);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(1_000);

    const [delivery] = await waitFor(
      async () => {
        const d = deliveriesFor(id);
        return d.length > 0 ? d : undefined;
      },
      { what: 'the webhook delivery' },
    );
    const verified = new Webhook(secret).verify(delivery!.body, {
      'webhook-id': String(delivery!.headers['webhook-id']),
      'webhook-timestamp': String(delivery!.headers['webhook-timestamp']),
      'webhook-signature': String(delivery!.headers['webhook-signature']),
    }) as AlertBody;
    expect(verified).toMatchObject({ type: 'commitment.lapsed', data: { commitmentId: id } });
    expect(delivery!.headers['webhook-id']).toBe(verified.data.alertId);
    // Another reconciliation round or a second firing adds nothing.
    await sleep(1_500);
    expect(deliveriesFor(id)).toHaveLength(1);
    expect((await get(id)).version).toBe(2);

    // The alert feed shows it, unacknowledged, until it is acknowledged.
    const feed = await api()
      .get('/api/alerts?type=commitment.lapsed&acknowledged=false&limit=200')
      .set('Authorization', `Bearer ${stack.token('viewer')}`)
      .expect(200);
    const alert = (feed.body as { items: { alertId: string; commitmentId: string }[] }).items.find(
      (a) => a.commitmentId === id,
    );
    expect(alert).toMatchObject({ alertId: verified.data.alertId, acknowledged: false });
    const ack = await api()
      .post(`/api/alerts/${alert!.alertId}/acknowledgement`)
      .set('Authorization', secretariat)
      .expect(200);
    expect(ack.body).toMatchObject({ acknowledged: true, acknowledgedBy: 'test-secretariat' });
    const open = await api()
      .get('/api/alerts?acknowledged=false&limit=200')
      .set('Authorization', secretariat)
      .expect(200);
    expect((open.body as { items: { alertId: string }[] }).items.map((a) => a.alertId)).not.toContain(
      alert!.alertId,
    );
  }, 30_000);

  it('Kafka delivering the lapse event again raises no second alert and no second delivery', async () => {
    expect(firstLapsed).not.toBe('');
    const client = await MongoClient.connect(process.env.MONGO_URL!);
    const kafka = createKafka({
      brokers: process.env.KAFKA_BROKERS!.split(','),
      clientId: `${stack.ns.id}-redeliver`,
      topicPrefix: stack.ns.topicPrefix,
    });
    const publisher = new KafkaEventPublisher(kafka, prefixedTopic(stack.ns.topicPrefix, Topics.commitments));
    try {
      const store = new MongoEventStore(client.db(stack.ns.db('commitments')));
      const lapse = (await store.readAll(0, 10_000)).filter(
        (e) => e.streamId === `commitment-${firstLapsed}` && e.type === 'commitment.lapsed',
      );
      expect(lapse).toHaveLength(1);
      await publisher.connect();
      await publisher.publish(lapse);
      await publisher.publish(lapse);
    } finally {
      await publisher.disconnect();
      await client.close();
    }
    await sleep(2_000);
    expect(deliveriesFor(firstLapsed)).toHaveLength(1);
    const feed = await api().get('/api/alerts?limit=200').set('Authorization', secretariat).expect(200);
    const alerts = (feed.body as { items: { commitmentId: string }[] }).items.filter(
      (a) => a.commitmentId === firstLapsed,
    );
    expect(alerts).toHaveLength(1);
  }, 30_000);

  it('extending the due date before it fires moves the lapse; fulfilling cancels it', async () => {
    const moved = await create(inMs(1_500));
    const fulfilled = await create(inMs(1_500));
    await api()
      .post(`/api/commitments/${moved}/due-date-extensions`)
      .set('Authorization', secretariat)
      .set('If-Match', '"1"')
      .send({ dueDate: inMs(3_500), reason: 'more time' })
      .expect(200);
    await api()
      .post(`/api/commitments/${fulfilled}/fulfilment`)
      .set('Authorization', secretariat)
      .set('If-Match', '"1"')
      .send({
        fulfilledOn: new Date().toISOString().slice(0, 10),
        evidence: [{ source: 'OHCHR', date: null, summary: 'published' }],
      })
      .expect(200);
    await sleep(2_500);
    expect((await get(moved)).status).toBe('open');
    const c = await lapsed(moved);
    expect(Date.parse(c.lapsedAt!) - Date.parse(c.dueAt)).toBeLessThan(1_000);
    await waitFor(async () => (deliveriesFor(moved).length === 1 ? true : undefined), {
      what: 'the moved alert',
    });
    expect((await get(fulfilled)).status).toBe('fulfilled');
    expect(deliveriesFor(fulfilled)).toHaveLength(0);
  }, 30_000);

  it('extending a lapsed commitment re-opens it and its next lapse alerts again', async () => {
    const id = await create(inMs(1_000));
    await lapsed(id);
    await api()
      .post(`/api/commitments/${id}/due-date-extensions`)
      .set('Authorization', secretariat)
      .set('If-Match', '"2"')
      .send({ dueDate: inMs(1_500), reason: 'new timetable' })
      .expect(200);
    const again = await waitFor(
      async () => {
        const c = await get(id);
        return c.status === 'lapsed' && c.version === 5 ? c : undefined;
      },
      { timeoutMs: 15_000, what: 'the second lapse' },
    );
    expect(Date.parse(again.lapsedAt!) - Date.parse(again.dueAt)).toBeLessThan(1_000);
    const twice = await waitFor(
      async () => {
        const d = deliveriesFor(id);
        return d.length === 2 ? d : undefined;
      },
      { what: 'two deliveries' },
    );
    expect(new Set(twice.map((d) => d.headers['webhook-id'])).size).toBe(2);
  }, 30_000);

  it('Redis losing 50 pending deadlines (queue obliterated): reconciliation fires all 50, each once', async () => {
    const N = 50;
    // Far enough ahead that creating and scheduling 50 on a loaded 2-core machine ends before it.
    const due = inMs(25_000);
    const ids: string[] = [];
    for (let i = 0; i < N; i += 10)
      ids.push(...(await Promise.all(Array.from({ length: 10 }, () => create(due)))));
    await withDeadlineQueue(process.env.REDIS_URL!, stack.ns.topicPrefix, async (queue) => {
      await waitUntilScheduled(queue, ids, 20_000);
      expect(Date.now()).toBeLessThan(Date.parse(due) - 2_000);
      await queue.obliterate({ force: true });
      expect(await queue.getDelayedCount()).toBe(0);
    });
    await waitFor(async () => (ids.every((id) => deliveriesFor(id).length >= 1) ? true : undefined), {
      timeoutMs: 40_000,
      what: 'a delivery for each of the 50',
    });
    await sleep(1_500);
    for (const id of ids) expect(deliveriesFor(id)).toHaveLength(1);
    const states = await Promise.all(ids.map((id) => get(id)));
    expect(states.filter((c) => c.status === 'lapsed' && c.version === 2)).toHaveLength(N);
  }, 100_000);

  it('a receiver that fails 3 times then succeeds gets the alert once, after backoff', async () => {
    const sub = await api()
      .post('/api/subscriptions')
      .set('Authorization', secretariat)
      .send({ url: `${hook.url}/flaky` })
      .expect(201);
    const { subscriptionId, secret: flakySecret } = sub.body as { subscriptionId: string; secret: string };
    hook.failures.set('/flaky', 3);
    const id = await create(inMs(500));
    const [delivery] = await waitFor(
      async () => {
        const d = deliveriesFor(id, '/flaky');
        return d.length > 0 ? d : undefined;
      },
      { timeoutMs: 20_000, what: 'the delivery after retries' },
    );
    expect(() =>
      new Webhook(flakySecret).verify(delivery!.body, delivery!.headers as Record<string, string>),
    ).not.toThrow();
    expect(hook.failures.get('/flaky')).toBe(0);
    // The receiver has answered 204; the delivery log records it right after, so poll for it.
    type Log = { items: { status: string; attempts: { status: number }[] }[] };
    const entry = await waitFor(
      async () => {
        const log = await api()
          .get(`/api/subscriptions/${subscriptionId}/deliveries`)
          .set('Authorization', secretariat)
          .expect(200);
        const first = (log.body as Log).items[0];
        return first?.status === 'delivered' ? first : undefined;
      },
      { timeoutMs: 10_000, what: 'the delivery log to say delivered' },
    );
    expect(entry.attempts.map((a) => a.status)).toEqual([503, 503, 503, 204]);
    await api().delete(`/api/subscriptions/${subscriptionId}`).set('Authorization', secretariat).expect(204);
    const list = await api().get('/api/subscriptions').set('Authorization', secretariat).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(subscriptionId);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
  }, 30_000);
});
