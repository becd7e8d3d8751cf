import fs from 'node:fs';
import path from 'node:path';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { REPO_ROOT, testNamespace } from '@tracker/testing';
import { SERVICES, type AppName } from './support/apps';
import { ChaosRun, report } from './support/run';

/*
 * Several instances of every app (npm run test:scale; docs/reliability.md, "Several instances"): three
 * of each behind a balancer per app (deploy/local/balancer.mjs, as a Kubernetes Service), the gateways
 * reaching the services through theirs, against the real servers, under the chaos suite's staff load.
 * Scenarios: (1) a rolling restart of every app, one instance at a time, graceful (SIGTERM, then the
 * next once the new one answers /health); (2) SIGKILL of one instance of each app; (3) commitments
 * scaled from 1 instance to 3 and back to 1 under load. After each, support/run.ts checks that every
 * acknowledged write is in the store and the read models exactly once, every due deadline fired once (one
 * lapse, one feed alert, one signed webhook), the outbox drained; this suite adds the consumer-group
 * (re)joins each scenario caused, from the apps' logs.
 */

const REPLICAS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LOG_DIR = path.join(REPO_ROOT, '.local', 'logs');

/** "joined consumer group" lines in every instance log: one per member per (re)join. */
const groupJoins = (): number =>
  fs
    .readdirSync(LOG_DIR)
    .filter((f) => /^chaos-(recommendations|commitments|follow-up|gateway)-\d\.log$/.test(f))
    .reduce(
      (n, f) =>
        n + (fs.readFileSync(path.join(LOG_DIR, f), 'utf8').match(/joined consumer group/g)?.length ?? 0),
      0,
    );

describe('several instances of every app under load', () => {
  const run = new ChaosRun(testNamespace(), { replicas: REPLICAS, logLevel: 'info' });

  beforeAll(() => run.setup(), 300_000);
  afterAll(() => run.teardown(), 180_000);

  /** A scenario, with the (re)joins it caused in its figures line. */
  const scenario = async (name: string, windowMs: number, fault: () => Promise<string>): Promise<void> => {
    const before = groupJoins();
    let faults = '';
    try {
      await run.scenario(name, windowMs, async () => (faults = await fault()));
    } finally {
      report(
        `scale ${name}: consumer-group (re)joins ${groupJoins() - before} during the scenario; ${faults}`,
      );
    }
  };

  it('spreads the partitions of each consumer group over the instances of its service', async () => {
    const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    // The last instances to start may still be joining: the spread is read until every group is stable.
    const read = async () => {
      const ours = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(run.ns.topicPrefix));
      const { groups } = await admin.describeGroups(ours);
      return groups.map((g) => ({
        group: g.groupId,
        members: g.members.length,
        withPartitions: g.members.filter((m) => {
          const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
          return Object.values(assignment?.assignment ?? {}).some((ps) => ps.length > 0);
        }).length,
      }));
    };
    const stable = (spread: Awaited<ReturnType<typeof read>>): boolean =>
      spread.length >= SERVICES.length &&
      spread.every((x) => x.members === REPLICAS && x.withPartitions === REPLICAS);
    try {
      let spread = await read();
      const deadline = Date.now() + 60_000;
      while (!stable(spread) && Date.now() < deadline) {
        await sleep(2_000);
        spread = await read();
      }
      report(
        `scale partitions: ${spread.map((x) => `${x.group} ${x.withPartitions}/${x.members}`).join(', ')}`,
      );
      expect(spread.length).toBeGreaterThanOrEqual(SERVICES.length);
      // Three partitions per topic, three instances: each instance consumes one.
      for (const x of spread)
        expect(x).toEqual({ group: x.group, members: REPLICAS, withPartitions: REPLICAS });
    } finally {
      await admin.disconnect();
    }
  });

  it('(1) a rolling restart of every app, one instance at a time, graceful', async () => {
    await scenario('rolling-restart', 60_000, async () => {
      const started = Date.now();
      for (const app of [...SERVICES, 'gateway'] as AppName[])
        for (let i = 1; i <= REPLICAS; i++) {
          await run.apps.stop(app, i);
          run.apps.start(app, i);
          await run.apps.waitInstance(app, i);
        }
      return `${REPLICAS * 4} instances replaced one at a time in ${((Date.now() - started) / 1000).toFixed(0)} s`;
    });
  }, 900_000);

  it('(2) one instance of each app SIGKILLed at once, then started again', async () => {
    await scenario('instance-kills', 30_000, async () => {
      const apps = [...SERVICES, 'gateway'] as AppName[];
      await Promise.all(apps.map((app) => run.apps.kill(app, 1)));
      await sleep(10_000);
      for (const app of apps) run.apps.start(app, 1);
      return `instance 1 of ${apps.join(', ')} SIGKILLed, down 10 s, started again`;
    });
  }, 900_000);

  it('(3) commitments scaled from 1 instance to 3 and back to 1 under load', async () => {
    // Down to one before the load starts: the scenario is the growth and the shrink.
    await run.apps.stop('commitments', 2);
    await run.apps.stop('commitments', 3);
    await scenario('scale-commitments', 40_000, async () => {
      run.apps.start('commitments', 2);
      run.apps.start('commitments', 3);
      await run.apps.waitInstance('commitments', 2);
      await run.apps.waitInstance('commitments', 3);
      await sleep(10_000);
      await run.apps.stop('commitments', 3);
      await run.apps.stop('commitments', 2);
      return `commitments 1 → 3 instances, 10 s, → 1 (graceful)`;
    });
    expect(run.apps.running('commitments')).toEqual([1]);
  }, 900_000);
});
