import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { deadLetterTopic, prefixedTopic, Topics } from '@tracker/contracts';
import { REPO_ROOT, testNamespace } from '@tracker/testing';
import { APPS } from './support/apps';
import { ChaosRun } from './support/run';

/*
 * Chaos under load (npm run test:chaos; docs/reliability.md, "Chaos"). The four apps run as child
 * processes against the real servers (FerretDB on PostgreSQL, the 3-broker Kafka, Redis); simulated staff
 * post assessments and commitment revisions and read the tracker through the gateway while one fault
 * happens per scenario (support/run.ts checks what must hold afterwards).
 */

const exec = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** deploy/local scripts, asynchronously: the load keeps running while a server restarts. */
const infra = async (script: string, ...args: string[]): Promise<void> => {
  // Without MONGO_URL: given one, mongo.sh would only check an external server instead of starting ours.
  const { MONGO_URL: _external, ...env } = process.env;
  await exec('bash', [path.join(REPO_ROOT, 'deploy/local', script), ...args], { env, timeout: 300_000 });
};

describe('chaos: faults under steady load through the gateway', () => {
  const run = new ChaosRun(testNamespace());

  beforeAll(() => run.setup(), 300_000);
  afterAll(() => run.teardown(), 180_000);

  it('topics are replicated on all three brokers (replication factor 3 from the brokers’ default)', async () => {
    const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    const adminClient = kafka.admin();
    await adminClient.connect();
    try {
      const topics = Object.values(Topics).flatMap((t) => [
        prefixedTopic(run.ns.topicPrefix, t),
        prefixedTopic(run.ns.topicPrefix, deadLetterTopic(t)),
      ]);
      const existing = new Set(await adminClient.listTopics());
      const { topics: meta } = await adminClient.fetchTopicMetadata({
        topics: topics.filter((t) => existing.has(t)),
      });
      expect(meta.length).toBeGreaterThanOrEqual(3);
      for (const t of meta) for (const p of t.partitions) expect(p.replicas).toHaveLength(3);
    } finally {
      await adminClient.disconnect();
    }
  });

  it('(1) a random app SIGKILLed every 4-7 s for 60 s and started again', async () => {
    await run.scenario('app-kills', 60_000, async () => {
      const killed: Record<string, number> = {};
      const end = Date.now() + 60_000;
      while (Date.now() < end) {
        const app = APPS[Math.floor(Math.random() * APPS.length)]!;
        await run.apps.restart(app);
        killed[app] = (killed[app] ?? 0) + 1;
        await sleep(4_000 + Math.random() * 3_000);
      }
      const total = Object.values(killed).reduce((a, b) => a + b, 0);
      return `${total} SIGKILLs (${Object.entries(killed)
        .map(([a, n]) => `${a} ${n}`)
        .join(', ')})`;
    });
  }, 600_000);

  it('(2) the Kafka broker leading the partitions written to SIGKILLed, then started again', async () => {
    await run.scenario('kafka-leader', 40_000, async () => {
      const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
      const adminClient = kafka.admin();
      await adminClient.connect();
      const topic = prefixedTopic(run.ns.topicPrefix, Topics.followUp);
      let leader: number;
      try {
        const { topics } = await adminClient.fetchTopicMetadata({ topics: [topic] });
        const leaders = topics[0]!.partitions.map((p) => p.leader);
        leader = [1, 2, 3].sort(
          (a, b) => leaders.filter((l) => l === b).length - leaders.filter((l) => l === a).length,
        )[0]!;
      } finally {
        await adminClient.disconnect();
      }
      await infra('kafka-cluster.sh', 'kill-broker', String(leader));
      await sleep(20_000);
      const t = Date.now();
      await infra('kafka-cluster.sh', 'start-broker', String(leader));
      return `broker ${leader} (leader of most ${Topics.followUp} partitions) SIGKILLed, down 20 s, back in ${((Date.now() - t) / 1000).toFixed(0)} s`;
    });
  }, 600_000);

  it('(3) Redis restarted without its data (deadline timers and idempotency keys lost)', async () => {
    await run.scenario('redis-empty', 20_000, async () => {
      const t = Date.now();
      await infra('redis.sh', 'restart-empty');
      return `redis.sh restart-empty (${((Date.now() - t) / 1000).toFixed(1)} s)`;
    });
  }, 600_000);

  it('(4) the MongoDB-wire server restarted (FerretDB and its PostgreSQL)', async () => {
    await run.scenario('mongo-restart', 30_000, async () => {
      const t = Date.now();
      await infra('mongo.sh', 'restart');
      return `mongo.sh restart: FerretDB + PostgreSQL down and up (${((Date.now() - t) / 1000).toFixed(1)} s)`;
    });
  }, 600_000);
});
