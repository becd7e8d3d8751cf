import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { idempotencyRedisKey } from '@tracker/platform';
import { startStack, type Stack } from '../support/stack';

const recommendation = (text: string): object => ({
  mechanism: 'upr',
  recommendingEntities: ['Ecuador'],
  document: { citation: 'A/HRC/54/7 para 115.1', date: '2023-07-10' },
  text: { en: text },
  themes: ['elections'],
  published: true,
});

describe('Idempotency-Key on POSTs (through the gateway, Redis and the event store)', () => {
  let stack: Stack;
  let auth: string;
  let mongo: MongoClient;
  let redis: Redis;

  /** Events the recommendations service committed whose text is `text`. */
  const eventsWithText = async (text: string): Promise<number> =>
    mongo
      .db(stack.ns.db('recommendations'))
      .collection('events')
      .countDocuments({ 'events.data.text.en': text });

  const post = (key: string | null, body: object, token = auth): request.Test => {
    const r = request(stack.gatewayUrl).post('/api/recommendations').set('Authorization', token);
    return (key === null ? r : r.set('Idempotency-Key', key)).send(body);
  };

  beforeAll(async () => {
    stack = await startStack();
    auth = `Bearer ${stack.token('secretariat')}`;
    mongo = await MongoClient.connect(process.env.MONGO_URL!);
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterAll(async () => {
    await mongo?.close();
    redis?.disconnect();
    await stack?.close();
  });

  it('the same POST with the same key twice creates one event and answers the same', async () => {
    const text = `idempotent ${randomUUID()}`;
    const key = randomUUID();
    const first = await post(key, recommendation(text)).expect(201);
    const second = await post(key, recommendation(text)).expect(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await eventsWithText(text)).toBe(1);
  });

  it('a key Redis has forgotten is still answered from the commit it is recorded with', async () => {
    const text = `redis forgot ${randomUUID()}`;
    const key = randomUUID();
    const first = await post(key, recommendation(text)).expect(201);
    // Redis lost the answer (restarted empty, or the in-flight marker of a crashed run expired).
    await redis.del(
      idempotencyRedisKey(
        stack.ns.topicPrefix,
        'recommendations',
        'test-secretariat',
        'POST',
        '/api/recommendations',
        key,
      ),
    );
    const second = await post(key, recommendation(text)).expect(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await eventsWithText(text)).toBe(1);
    await redis.del(
      idempotencyRedisKey(
        stack.ns.topicPrefix,
        'recommendations',
        'test-secretariat',
        'POST',
        '/api/recommendations',
        key,
      ),
    );
    await post(key, recommendation(`${text} changed`)).expect(422);
    expect(await eventsWithText(`${text} changed`)).toBe(0);
  });

  it('without a key the same POST creates a second recommendation', async () => {
    const text = `not idempotent ${randomUUID()}`;
    const a = await post(null, recommendation(text)).expect(201);
    const b = await post(null, recommendation(text)).expect(201);
    expect((a.body as { recommendationId: string }).recommendationId).not.toBe(
      (b.body as { recommendationId: string }).recommendationId,
    );
    expect(await eventsWithText(text)).toBe(2);
  });

  it('reusing a key with another body is a 422 problem and creates nothing', async () => {
    const key = randomUUID();
    const text = `first body ${randomUUID()}`;
    await post(key, recommendation(text)).expect(201);
    const other = `other body ${randomUUID()}`;
    const res = await post(key, recommendation(other));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 422,
      type: expect.stringContaining('idempotency-key-reused') as unknown,
    });
    expect(await eventsWithText(other)).toBe(0);
  });

  it('a repeat while the first request is still in flight is a 409 problem', async () => {
    const key = randomUUID();
    const text = `in flight ${randomUUID()}`;
    // The first attempt has claimed the key and not finished: exactly the marker the interceptor writes.
    const { requestFingerprint } = await import('@tracker/platform');
    const body = JSON.parse(JSON.stringify(recommendation(text))) as object;
    await redis.set(
      idempotencyRedisKey(
        stack.ns.topicPrefix,
        'recommendations',
        'test-secretariat',
        'POST',
        '/api/recommendations',
        key,
      ),
      JSON.stringify({ state: 'in-flight', fingerprint: requestFingerprint({ body, headers: {} }) }),
      'EX',
      60,
    );
    const res = await post(key, body);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: expect.stringContaining('idempotency-key-in-flight') as unknown });
    expect(await eventsWithText(text)).toBe(0);
  });

  it('concurrent duplicates: one runs, the others replay it or get 409; one event', async () => {
    const key = randomUUID();
    const text = `concurrent ${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(key, recommendation(text))));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const ids = new Set(
      answers
        .filter((a) => a.status === 201)
        .map((a) => (a.body as { recommendationId: string }).recommendationId),
    );
    expect(ids.size).toBe(1);
    expect(await eventsWithText(text)).toBe(1);
  });

  it('keys are per caller: another principal with the same key runs its own request', async () => {
    const key = randomUUID();
    const text = `per caller ${randomUUID()}`;
    await post(key, recommendation(text)).expect(201);
    const admin = `Bearer ${stack.token('admin')}`;
    const res = await post(key, recommendation(text), admin);
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(await eventsWithText(text)).toBe(2);
  });

  it('a failed request releases its key: the corrected retry runs', async () => {
    const key = randomUUID();
    const text = `retry after 400 ${randomUUID()}`;
    await post(key, { ...recommendation(text), mechanism: 'rumour' }).expect(400);
    await post(key, recommendation(text)).expect(201);
    expect(await eventsWithText(text)).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(201)],
    ['not printable', 'caf\u00e9'],
  ])('an %s key is a 400 problem', async (_name, key) => {
    const res = await request(stack.gatewayUrl)
      .post('/api/recommendations')
      .set('Authorization', auth)
      .set(
        'Idempotency-Key',
        encodeURIComponent(key) === key ? key : Buffer.from(key, 'utf8').toString('latin1'),
      )
      .send(recommendation(`bad key ${randomUUID()}`));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
