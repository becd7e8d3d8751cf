import fs from 'node:fs';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { MongoEventStore } from '@tracker/event-store';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET } from '@tracker/auth';
import {
  type InfraEnv,
  type PrivateRedis,
  runWorker,
  type RunningChild,
  startPrivateRedis,
  TEST_ENV_FILE,
  waitFor,
} from '@tracker/testing';
import { waitUntilScheduled, withDeadlineQueue } from '../support/deadline-queue';
import { startStack, type Stack } from '../support/stack';
import {
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../support/webhook-receiver';

interface Delivered {
  type: string;
  data: { alertId: string; itemId: string; commitmentId?: string; period?: number; leadMs?: number };
}

const provider = (JSON.parse(fs.readFileSync(TEST_ENV_FILE, 'utf8')) as InfraEnv).provider;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();
const commitment = (dueDate: string): Record<string, unknown> => ({
  title: { en: 'Adopt the law on gender-based violence' },
  text: 'Mali undertook to adopt the draft law on gender-based violence.',
  madeAt: { forum: 'UPR 2023', date: '2023-05-02', citation: 'A/HRC/53/7' },
  institutions: ['ministry-of-justice'],
  dueDate,
  dueDateKind: 'secretariat-target',
  dueDateNote: null,
});

/** Events of one type in a service's event store, by stream. */
const eventsOf = async (stack: Stack, service: string, type: string): Promise<Map<string, number>> => {
  const client = await MongoClient.connect(process.env.MONGO_URL!);
  try {
    const store = new MongoEventStore(client.db(stack.ns.db(service)));
    const counts = new Map<string, number>();
    for (let from = 0; ;) {
      const batch = await store.readAll(from, 5_000);
      for (const e of batch) if (e.type === type) counts.set(e.streamId, (counts.get(e.streamId) ?? 0) + 1);
      if (batch.length < 5_000) break;
      from = batch[batch.length - 1]!.position;
    }
    return counts;
  } finally {
    await client.close();
  }
};

const harness = (getStack: () => Stack) => {
  const api = () => request(getStack().gatewayUrl);
  const auth = () => `Bearer ${getStack().token('secretariat')}`;
  return {
    api,
    create: async (dueDate: string): Promise<string> =>
      (
        (
          await api()
            .post('/api/commitments')
            .set('Authorization', auth())
            .send(commitment(dueDate))
            .expect(201)
        ).body as { commitmentId: string }
      ).commitmentId,
    subscribe: async (url: string, eventTypes: string[]): Promise<void> => {
      await api()
        .post('/api/subscriptions')
        .set('Authorization', auth())
        .send({ url, eventTypes })
        .expect(201);
    },
    feed: async (type: string): Promise<Delivered['data'][]> =>
      (
        (await api().get(`/api/alerts?type=${type}&limit=200`).set('Authorization', auth()).expect(200))
          .body as {
          items: Delivered['data'][];
        }
      ).items,
  };
};

const deliveredOf = (received: readonly ReceivedRequest[], path: string): Delivered[] =>
  received.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as Delivered);

describe('deadline alerts across restarts', () => {
  let hook: WebhookReceiver;
  beforeAll(async () => {
    hook = await startWebhookReceiver();
  });
  afterAll(async () => {
    await hook?.close();
  });

  describe('Redis restarted without its data while 100 deadlines are pending', () => {
    let stack: Stack;
    let redisOfOurOwn: PrivateRedis;
    const h = harness(() => stack);
    // Needs redis-server on PATH, which the native provisioning has and Testcontainers does not.
    const run = provider === 'testcontainers' ? it.skip : it;

    beforeAll(async () => {
      if (provider === 'testcontainers') return;
      redisOfOurOwn = await startPrivateRedis();
      stack = await startStack(
        { REDIS_URL: redisOfOurOwn.url },
        { deadlines: { timers: true, reconcileIntervalMs: 1_000 } },
      );
      await h.subscribe(`${hook.url}/redis`, ['commitment.lapsed']);
    }, 60_000);
    afterAll(async () => {
      await stack?.close();
      await redisOfOurOwn?.stop();
    });

    run(
      'all 100 lapse, each exactly once: one lapse event and one delivery each',
      async () => {
        const N = 100;
        const due = inMs(45_000);
        const ids: string[] = [];
        for (let i = 0; i < N; i += 10)
          ids.push(...(await Promise.all(Array.from({ length: 10 }, () => h.create(due)))));
        await withDeadlineQueue(redisOfOurOwn.url, stack.ns.topicPrefix, (queue) =>
          waitUntilScheduled(queue, ids, 30_000),
        );
        expect(Date.now()).toBeLessThan(Date.parse(due) - 5_000);
        await redisOfOurOwn.restartEmpty();
        const check = new Redis(redisOfOurOwn.url);
        try {
          // Nothing survived the restart but what the services re-created since.
          expect(await check.dbsize()).toBeLessThan(1_000);
        } finally {
          check.disconnect();
        }
        await waitFor(
          async () => {
            const got = new Set(deliveredOf(hook.received, '/redis').map((d) => d.data.commitmentId));
            return ids.every((id) => got.has(id)) ? true : undefined;
          },
          { timeoutMs: 90_000, intervalMs: 500, what: 'a delivery for each of the 100' },
        );
        await sleep(3_000);
        const lapses = await eventsOf(stack, 'commitments', 'commitment.lapsed');
        expect(ids.map((id) => lapses.get(`commitment-${id}`) ?? 0)).toEqual(ids.map(() => 1));
        const perId = new Map<string, number>();
        for (const d of deliveredOf(hook.received, '/redis'))
          perId.set(d.data.commitmentId!, (perId.get(d.data.commitmentId!) ?? 0) + 1);
        expect(ids.map((id) => perId.get(id) ?? 0)).toEqual(ids.map(() => 1));
      },
      200_000,
    );
  });

  describe('the commitments service killed with SIGKILL at fire time and restarted', () => {
    let stack: Stack;
    const h = harness(() => stack);
    const children: RunningChild[] = [];

    beforeAll(async () => {
      // The stack's own commitments instance serves HTTP without timers; the child process owns them.
      stack = await startStack({}, { deadlines: { timers: false } });
      await h.subscribe(`${hook.url}/kill`, ['commitment.lapsed']);
    }, 60_000);
    afterAll(async () => {
      for (const c of children)
        if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGTERM');
      await Promise.allSettled(children.map((c) => c.done));
      await stack?.close();
    });

    const startChild = (killAtFireOf?: string): RunningChild => {
      const child = runWorker('apps/commitments/src/testing/commitments.worker.ts', {
        config: {
          HOST: '127.0.0.1',
          PORT: 0,
          LOG_LEVEL: 'error',
          MONGO_URL: process.env.MONGO_URL,
          MONGO_DB: stack.ns.db('commitments'),
          KAFKA_BROKERS: process.env.KAFKA_BROKERS!.split(','),
          KAFKA_TOPIC_PREFIX: stack.ns.topicPrefix,
          JWT_SECRET: DEV_JWT_SECRET,
          JWT_ISSUER: DEFAULT_JWT_ISSUER,
          INSTANCE_ID: `${stack.ns.id}-commitments-child-${children.length}`,
          REDIS_URL: process.env.REDIS_URL,
        },
        reconcileIntervalMs: 2_000,
        ...(killAtFireOf ? { killAtFireOf } : {}),
      });
      children.push(child);
      return child;
    };

    it('exactly one lapse event and one delivery', async () => {
      // Nobody schedules it yet; the child's scheduler reads the created event from the topic at boot.
      const id = await h.create(inMs(25_000));
      const crashing = startChild(id);
      await crashing.waitForLine((l) => typeof l.url === 'string', 60_000);
      const { signal } = await crashing.done;
      expect(signal).toBe('SIGKILL');
      const restarted = startChild();
      await restarted.waitForLine((l) => typeof l.url === 'string', 60_000);
      await waitFor(
        async () =>
          deliveredOf(hook.received, '/kill').some((d) => d.data.commitmentId === id) ? true : undefined,
        { timeoutMs: 90_000, intervalMs: 500, what: 'the lapse delivery after the restart' },
      );
      // A stalled job the dead worker held comes back after BullMQ's lock expires: let it, then count.
      await sleep(35_000);
      const lapses = await eventsOf(stack, 'commitments', 'commitment.lapsed');
      expect(lapses.get(`commitment-${id}`)).toBe(1);
      expect(deliveredOf(hook.received, '/kill').filter((d) => d.data.commitmentId === id)).toHaveLength(1);
    }, 240_000);
  });

  describe('reminders and stale follow-up reach the feed once', () => {
    let stack: Stack;
    const h = harness(() => stack);
    const saved = { ...process.env };

    beforeAll(async () => {
      // N = 4 "days" of 1 s, checked every 500 ms; reminders 3 s ahead of the due instant.
      process.env.ASSESSMENT_STALE_AFTER_DAYS = '4';
      process.env.ASSESSMENT_STALE_DAY_MS = '1000';
      process.env.ASSESSMENT_STALE_CHECK_INTERVAL_MS = '500';
      stack = await startStack(
        {},
        { deadlines: { timers: true, reconcileIntervalMs: 1_000, reminderLeadsMs: [3_000] } },
      );
      await h.subscribe(`${hook.url}/notices`, ['commitment.deadline-approaching', 'assessment.stale']);
    }, 60_000);
    afterAll(async () => {
      process.env = saved;
      await stack?.close();
    });

    it('a reminder 3 s before the due instant, once; then the lapse', async () => {
      const due = inMs(7_000);
      const id = await h.create(due);
      const [reminder] = await waitFor(
        async () => {
          const d = deliveredOf(hook.received, '/notices').filter(
            (x) => x.type === 'commitment.deadline-approaching' && x.data.itemId === id,
          );
          return d.length > 0 ? d : undefined;
        },
        { timeoutMs: 20_000, what: 'the reminder delivery' },
      );
      expect(reminder!.data).toMatchObject({ commitmentId: id, leadMs: 3_000 });
      const remindedAt = Date.parse((reminder!.data as { remindedAt?: string }).remindedAt ?? '');
      expect(remindedAt - (Date.parse(due) - 3_000)).toBeLessThan(1_000);
      await waitFor(
        async () => ((await h.feed('commitment.lapsed')).some((a) => a.itemId === id) ? true : undefined),
        {
          timeoutMs: 20_000,
          what: 'the lapse after the reminder',
        },
      );
      await sleep(2_000);
      expect((await h.feed('commitment.deadline-approaching')).filter((a) => a.itemId === id)).toHaveLength(
        1,
      );
      expect(
        deliveredOf(hook.received, '/notices').filter(
          (x) => x.type === 'commitment.deadline-approaching' && x.data.itemId === id,
        ),
      ).toHaveLength(1);
      expect(
        (await eventsOf(stack, 'commitments', 'commitment.deadline-approaching')).get(`commitment-${id}`),
      ).toBe(1);
    }, 60_000);

    it('an item not assessed for N is stale once per period', async () => {
      const id = await h.create('2030-12-31');
      const firstPeriod = (xs: Delivered['data'][]) => xs.filter((a) => a.itemId === id && a.period === 1);
      await waitFor(
        async () => (firstPeriod(await h.feed('assessment.stale')).length > 0 ? true : undefined),
        {
          timeoutMs: 30_000,
          what: 'the stale alert',
        },
      );
      await sleep(1_500);
      expect(firstPeriod(await h.feed('assessment.stale'))).toHaveLength(1);
      await waitFor(
        async () =>
          firstPeriod(
            deliveredOf(hook.received, '/notices')
              .filter((d) => d.type === 'assessment.stale')
              .map((d) => d.data),
          ).length > 0
            ? true
            : undefined,
        { timeoutMs: 20_000, what: 'the stale delivery' },
      );
      expect(
        firstPeriod(
          deliveredOf(hook.received, '/notices')
            .filter((d) => d.type === 'assessment.stale')
            .map((d) => d.data),
        ),
      ).toHaveLength(1);
    }, 60_000);
  });
});
