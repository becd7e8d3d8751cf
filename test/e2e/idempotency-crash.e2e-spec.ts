import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, signDevToken } from '@tracker/auth';
import type { CommitDocument } from '@tracker/event-store';
import { idempotencyRedisKey } from '@tracker/platform';
import { runWorker, type RunningChild, testNamespace } from '@tracker/testing';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config';
import { startGateway } from '../../apps/gateway/src/gateway.module';

const ns = testNamespace();
const db = ns.db('commitments');
const token = signDevToken(
  { secret: DEV_JWT_SECRET, issuer: DEFAULT_JWT_ISSUER },
  { sub: 'test-secretariat', role: 'secretariat', institution: null },
);
const commitment = {
  title: { en: 'Adopt the law on gender-based violence' },
  text: 'Mali undertook to adopt the draft law on gender-based violence.',
  madeAt: { forum: 'UPR 2023', date: '2023-05-02', citation: 'A/HRC/53/7' },
  institutions: ['ministry-of-justice'],
  dueDate: '2030-12-31',
  dueDateKind: 'secretariat-target',
  dueDateNote: null,
};
const fulfilment = {
  fulfilledOn: '2026-01-15',
  evidence: [{ source: 'Journal officiel', date: '2026-01-15', summary: 'law promulgated' }],
  note: null,
};

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly etag: string | null;
  readonly location: string | null;
  readonly replayed: string | null;
}

/** One POST with an Idempotency-Key (through a gateway in front of one commitments instance). */
const post = async (
  url: string,
  path: string,
  key: string,
  body: object,
  headers: Record<string, string> = {},
): Promise<Answer> => {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': key,
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    etag: res.headers.get('etag'),
    location: res.headers.get('location'),
    replayed: res.headers.get('idempotent-replayed'),
  };
};

/**
 * A write that committed just before its service died (SIGKILL right after the append resolved, before
 * the handler answered): a retry with the same Idempotency-Key, against a fresh instance, gets the
 * answer the first request would have given, and the store holds exactly one commit of it
 * (libs/event-store/src/idempotent-request.ts, docs/reliability.md).
 */
describe('an Idempotency-Key request that committed and died before answering', () => {
  const children: RunningChild[] = [];
  const gateways: INestApplication[] = [];
  let mongo: MongoClient;
  let redis: Redis;
  /** The gateway in front of the instance that answers the retries. */
  let serving: string;
  /** Instances that die right after their first commit, one per test. */
  const doomed: { url: string; child: RunningChild }[] = [];

  const gatewayTo = async (commitmentsUrl: string): Promise<string> => {
    const gateway = await startGateway(
      gatewayConfigSchema.parse({ PORT: '0', LOG_LEVEL: 'error', COMMITMENTS_URL: commitmentsUrl }),
    );
    gateways.push(gateway.app);
    return gateway.url;
  };

  const start = async (killAfterCommit: boolean): Promise<{ url: string; child: RunningChild }> => {
    const child = runWorker('apps/commitments/src/testing/commitments.worker.ts', {
      config: {
        HOST: '127.0.0.1',
        PORT: 0,
        LOG_LEVEL: 'error',
        MONGO_URL: process.env.MONGO_URL,
        MONGO_DB: db,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS!.split(','),
        KAFKA_TOPIC_PREFIX: ns.topicPrefix,
        JWT_SECRET: DEV_JWT_SECRET,
        JWT_ISSUER: DEFAULT_JWT_ISSUER,
        INSTANCE_ID: `${ns.id}-commitments-${children.length}`,
        REDIS_URL: process.env.REDIS_URL,
      },
      reconcileIntervalMs: 60_000,
      timers: false,
      killAfterCommit,
    });
    children.push(child);
    const line = await child.waitForLine((l) => typeof l.url === 'string', 90_000);
    return { url: String(line.url), child };
  };

  /**
   * Sends the request to an instance that dies right after committing it: the client gets the gateway's
   * 503 "retry later" (issue #13). Returns once the instance is dead.
   */
  const postAndDie = async (path: string, key: string, body: object, headers = {}): Promise<void> => {
    const dying = doomed.shift()!;
    const answer = await post(await gatewayTo(dying.url), path, key, body, headers);
    expect(answer.status).toBe(503);
    expect((await dying.child.done).signal).toBe('SIGKILL');
  };

  const commits = (filter: object = {}): Promise<CommitDocument[]> =>
    mongo.db(db).collection<CommitDocument>('events').find(filter).toArray();

  beforeAll(async () => {
    mongo = await MongoClient.connect(process.env.MONGO_URL!);
    redis = new Redis(process.env.REDIS_URL!);
    // All started at once: an instance started after another was SIGKILLed waits out the dead one's
    // Kafka session (~30 s) before it listens.
    const [answering, ...dying] = await Promise.all([start(false), start(true), start(true)]);
    serving = await gatewayTo(answering.url);
    doomed.push(...dying);
  }, 120_000);
  afterAll(async () => {
    for (const g of gateways) await g.close();
    for (const c of children)
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGTERM');
    await Promise.allSettled(children.map((c) => c.done));
    await mongo?.db(db).dropDatabase();
    await mongo?.close();
    redis?.disconnect();
  });

  let commitmentId: string;

  it('a create retried while its in-flight marker stands: 201, the same id and version, one commit', async () => {
    const key = randomUUID();
    await postAndDie('/api/commitments', key, commitment);
    const [created] = await commits({ keys: 'type:commitment.created' });
    expect(created).toBeDefined();
    commitmentId = created!.streamId.replace(/^commitment-/, '');
    // The dead instance had claimed the key and never answered: without the commit, this is a 409.
    const marker = await redis.get(
      idempotencyRedisKey(ns.topicPrefix, 'commitments', 'test-secretariat', 'POST', '/api/commitments', key),
    );
    expect(marker).toContain('in-flight');

    const retry = await post(serving, '/api/commitments', key, commitment);
    expect(retry).toMatchObject({
      status: 201,
      body: { commitmentId, version: 1, created: true },
      etag: '"1"',
      location: `/api/commitments/${commitmentId}`,
      replayed: 'true',
    });
    expect(await commits()).toHaveLength(1);

    // Now answered and stored: the next retry is the plain replay; another body is still refused.
    expect(await post(serving, '/api/commitments', key, commitment)).toMatchObject({
      status: 201,
      body: retry.body,
    });
    const other = await post(serving, '/api/commitments', key, { ...commitment, dueDate: '2031-01-01' });
    expect(other.status).toBe(422);
    expect(await commits()).toHaveLength(1);
  }, 240_000);

  it('an update retried after its marker is gone (only the commit remembers it): the same 200', async () => {
    const key = randomUUID();
    const path = `/api/commitments/${commitmentId}/fulfilment`;
    await postAndDie(path, key, fulfilment, { 'If-Match': '"1"' });
    await redis.del(
      idempotencyRedisKey(ns.topicPrefix, 'commitments', 'test-secretariat', 'POST', path, key),
    );

    // If-Match "1" is stale now: a second run would be a 412. The replay answers the committed result.
    const retry = await post(serving, path, key, fulfilment, { 'If-Match': '"1"' });
    expect(retry).toMatchObject({
      status: 200,
      body: { commitmentId, version: 2, status: 'fulfilled', changed: true },
      etag: '"2"',
      replayed: 'true',
    });
    expect(await commits({ streamId: `commitment-${commitmentId}` })).toHaveLength(2);

    // The same key with another body: refused from the commit alone (no Redis record), nothing written.
    await redis.del(
      idempotencyRedisKey(ns.topicPrefix, 'commitments', 'test-secretariat', 'POST', path, key),
    );
    const other = await post(
      serving,
      path,
      key,
      { ...fulfilment, note: 'another body' },
      { 'If-Match': '"2"' },
    );
    expect(other.status).toBe(422);
    expect(await commits({ streamId: `commitment-${commitmentId}` })).toHaveLength(2);
  }, 240_000);
});
