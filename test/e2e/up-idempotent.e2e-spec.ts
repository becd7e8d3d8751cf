import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { REPO_ROOT, TEST_ENV_FILE, type InfraEnv } from '@tracker/testing';

/**
 * Issue #13: `npm run up` while everything was healthy restarted every app, the gateway included (108
 * refused connections in 5 s under load). Now a second `up` leaves what runs and answers alone.
 *
 * The real `npm run up` twice, with the four apps of a separate instance (APPS_INSTANCE: their own
 * pidfiles, ports, databases and topics), so a developer's own `npm run up` is not touched. It reuses the
 * servers of the test run and dist/ when it is up to date; ~30 s on 2 cores (the first `up` starts the
 * apps and loads the Mali dataset, the second checks and reads it back). Someone editing apps/ or libs/
 * between two runs makes the later one restart what was rebuilt, as it should; so on a working tree being
 * edited, a run that reports "restarted: sources changed" is followed by another (at most twice), and
 * the assertions hold for the last pair. In CI nothing edits the tree and there is one pair.
 */
const APPS = ['recommendations', 'commitments', 'follow-up', 'gateway'] as const;
const INSTANCE = `uptest-${process.pid}`;

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * Four consecutive free ports: the gateway's and the three services' (APPS_BASE_PORT + 0..3). Below
 * Linux's ephemeral range (32768-60999 by default): a port in it can be taken as the source port of
 * any outgoing connection (the other suites make thousands) between this check and the apps' listen.
 */
const freeBasePort = async (): Promise<number> => {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all([0, 1, 2, 3].map((i) => canListen(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no four consecutive free ports');
};

const run = (
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; output: string; seconds: number }> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(args[0]!, args.slice(1), { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (status) =>
      resolve({ status, output, seconds: (performance.now() - started) / 1000 }),
    );
  });

const succeeded = (r: { status: number | null; output: string }): void => {
  if (r.status !== 0)
    throw new Error(`npm run up exited with ${r.status}; its last output:\n${r.output.slice(-4_000)}`);
};

/** The summary `npm run up` ends with: what it did with each server and app. */
const verdicts = (output: string): Record<string, string> =>
  Object.fromEntries(
    [...output.matchAll(/^ {2}(\S+) +((?:running|started|restarted|external)\b.*)$/gm)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );

const pids = (): Record<string, string> =>
  Object.fromEntries(
    APPS.map((app) => [
      app,
      fs.readFileSync(path.join(REPO_ROOT, '.local/run', `${INSTANCE}-${app}.pid`), 'utf8').trim(),
    ]),
  );

/**
 * GET /health on a new connection every 20 ms until stopped: a refused or reset connection is what a
 * client of a restarting gateway sees.
 */
const probe = (url: string) => {
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let stopped = false;
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const req = http.get(url, { agent: false, timeout: 10_000 }, (res) => {
        statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
        res.resume();
        res.once('end', resolve);
      });
      req.once('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.once('error', (err: NodeJS.ErrnoException) => {
        failures.push(err.code ?? err.message);
        resolve();
      });
    });
  const loop = (async () => {
    while (!stopped) {
      await once();
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { failures, statuses: Object.fromEntries(statuses) };
    },
  };
};

const native = (JSON.parse(fs.readFileSync(TEST_ENV_FILE, 'utf8')) as InfraEnv).provider === 'native';

(native ? describe : describe.skip)('npm run up, run twice', () => {
  let env: Record<string, string>;
  /** Whether a mail catcher (`npm run up` starts one) ran before: one this test started is stopped. */
  let catcherWasUp = false;
  const catcher = (command: string) =>
    run(['bash', path.join(REPO_ROOT, 'deploy/local/mailcatcher.sh'), command], env);

  beforeAll(async () => {
    env = { APPS_INSTANCE: INSTANCE, APPS_BASE_PORT: String(await freeBasePort()) };
    catcherWasUp = (await catcher('status')).status === 0;
  });
  afterAll(async () => {
    await run(['bash', path.join(REPO_ROOT, 'deploy/local/services.sh'), 'down'], env);
    if (!catcherWasUp) await catcher('down');
    const client = await MongoClient.connect(process.env.MONGO_URL!);
    try {
      for (const app of APPS.slice(0, 3))
        await client.db(`tracker_${INSTANCE.replace(/-/g, '_')}_${app.replace(/-/g, '_')}`).dropDatabase();
    } finally {
      await client.close();
    }
  }, 120_000);

  it('leaves the healthy servers and apps running, the gateway answering throughout', async () => {
    const first = await run(['npm', 'run', '-s', 'up'], env);
    succeeded(first);
    const gateway = `http://127.0.0.1:${env.APPS_BASE_PORT}/health`;

    let before: Record<string, string>;
    let second: Awaited<ReturnType<typeof run>>;
    let seen: Awaited<ReturnType<ReturnType<typeof probe>['stop']>>;
    for (let attempt = 1; ; attempt += 1) {
      before = pids();
      const load = probe(gateway);
      second = await run(['npm', 'run', '-s', 'up'], env);
      seen = await load.stop();
      if (attempt === 3 || !second.output.includes('restarted: sources changed')) break;
      process.stderr.write(
        '[up-idempotent] sources changed between two runs (the tree is being edited); once more\n',
      );
    }

    succeeded(second);
    // Every server and app in the summary, none started or restarted (FerretDB or mongod, as provisioned).
    const report = verdicts(second.output);
    expect(Object.keys(report)).toEqual(expect.arrayContaining([...APPS, 'redis', 'kafka']));
    const leftAsIs = expect.stringMatching(/^running, left as is/) as string;
    expect(report).toEqual(Object.fromEntries(Object.keys(report).map((name) => [name, leftAsIs])));
    expect(pids()).toEqual(before);
    expect(seen.failures).toEqual([]);
    expect(seen.statuses).toEqual({ 200: expect.any(Number) as number });
    expect(second.output).toContain('seed done: 0 created, 0 failed');
    expect(second.output).toContain(`Tracker is up`);
    process.stderr.write(
      `[up-idempotent] first up ${first.seconds.toFixed(1)} s, second ${second.seconds.toFixed(1)} s, ` +
        `gateway answered ${JSON.stringify(seen.statuses)} during the second\n`,
    );
  }, 300_000);
});
