import request from 'supertest';
import { mongoCommandsIn } from '@tracker/platform';
import { waitFor } from '@tracker/testing';
import { gbvLawRequest, waitForTrackerRow } from '../support/requests';
import { serverCpu } from '../support/server-cpu';
import { startStack, type Stack } from '../support/stack';

/** Issue #12: the four apps with no request cost the MongoDB-wire server at most this. */
const MAX_IDLE_COMMANDS_PER_SECOND = 5;
const WINDOW_MS = 10_000;

/** MongoDB-wire commands each service has sent so far (tracker_mongo_commands_total on its /metrics). */
const commandsSoFar = async (stack: Stack): Promise<Record<string, number>> => {
  const entries = await Promise.all(
    Object.entries(stack.urls).map(async ([service, url]) => {
      const res = await request(url).get('/metrics').expect(200);
      return [service, mongoCommandsIn(res.text)] as const;
    }),
  );
  return Object.fromEntries(entries);
};

describe('an idle stack is quiet', () => {
  let stack: Stack;
  let secretariat: string;

  beforeAll(async () => {
    // As `npm run up` runs them: deadline timers and their reconciliation on.
    stack = await startStack({}, { deadlines: { timers: true } });
    secretariat = `Bearer ${stack.token('secretariat')}`;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(`sends at most ${MAX_IDLE_COMMANDS_PER_SECOND} MongoDB-wire commands/s across all services with no request`, async () => {
    // Some history first, so relays, projections and monitors have state, then let it settle.
    const created = await request(stack.gatewayUrl)
      .post('/api/recommendations')
      .set('Authorization', secretariat)
      .send(gbvLawRequest('idle-stack-gbv-law'))
      .expect(201);
    const id = (created.body as { recommendationId: string }).recommendationId;
    await waitForTrackerRow(stack.gatewayUrl, secretariat, id);
    const counted = await commandsSoFar(stack);
    expect(Object.values(counted).every((n) => n > 0)).toBe(true); // the counter does count
    await new Promise((r) => setTimeout(r, 3_000));

    const before = await commandsSoFar(stack);
    const cpu = serverCpu();
    const started = Date.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const after = await commandsSoFar(stack);
    const seconds = (Date.now() - started) / 1000;
    const serverShare = cpu.stop();

    const perService = Object.fromEntries(
      Object.keys(after).map((s) => [s, Number(((after[s]! - before[s]!) / seconds).toFixed(2))]),
    );
    const total =
      Object.values(after).reduce((n, v) => n + v, 0) - Object.values(before).reduce((n, v) => n + v, 0);
    const rate = total / seconds;
    process.stdout.write(
      `idle stack over ${seconds.toFixed(1)} s: ${rate.toFixed(2)} MongoDB-wire commands/s ` +
        `(${JSON.stringify(perService)}); FerretDB + PostgreSQL CPU: ` +
        `${serverShare === null ? 'n/a (not the native servers)' : `${(serverShare * 100).toFixed(1)} % of a core (shared servers: other clients included)`}\n`,
    );
    expect(rate).toBeLessThanOrEqual(MAX_IDLE_COMMANDS_PER_SECOND);
  });
});

describe('with the safety-net poll a minute apart, an update still reaches the read models at once', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ RELAY_POLL_INTERVAL_MS: 60_000 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('the append wakes the relay (read-your-write in seconds, not at the next poll)', async () => {
    const secretariat = `Bearer ${stack.token('secretariat')}`;
    // Past the relays' first rounds (at start): from here on only a wake or the poll moves them.
    await new Promise((r) => setTimeout(r, 2_000));
    const lags: number[] = [];
    for (let i = 1; i <= 3; i += 1) {
      const started = Date.now();
      const created = await request(stack.gatewayUrl)
        .post('/api/recommendations')
        .set('Authorization', secretariat)
        .send(gbvLawRequest(`idle-stack-ryw-${i}`))
        .expect(201);
      const id = (created.body as { recommendationId: string }).recommendationId;
      await waitFor(
        async () => {
          const res = await request(stack.gatewayUrl)
            .get(`/api/recommendations/${id}`)
            .set('Authorization', secretariat);
          return res.status === 200 ? true : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 20, what: 'the catalogue entry' },
      );
      lags.push(Date.now() - started);
    }
    process.stdout.write(
      `read-your-write on an idle stack (POST to catalogue GET 200): ${lags.join(', ')} ms\n`,
    );
  });
});
