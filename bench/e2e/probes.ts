import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { MONGO_COMMANDS_METRIC } from '@tracker/platform';
import { backlogOf, scrapeSeries, scrapeSums } from './metrics';
import type { Service } from './services';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The server's own single-document insert rate, measured in the same run as the stack: `workers`
 * concurrent insertOne loops of a small document for `seconds`. The stack's updates/s is read as a
 * share of it, so a run on a busier machine compares like with like.
 */
export const rawInsertRate = async (db: Db, seconds = 5, workers = 8): Promise<number> => {
  const coll = db.collection<{ _id: string; at: Date; note: string }>('bench_raw_insert');
  const until = performance.now() + seconds * 1000;
  let n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < until) {
        await coll.insertOne({ _id: randomUUID(), at: new Date(), note: 'raw insert probe' });
        n += 1;
      }
    }),
  );
  const rate = n / ((performance.now() - started) / 1000);
  await coll.drop().catch(() => undefined);
  return rate;
};

/** MongoDB-wire commands all services have sent so far (driver command monitoring). */
export const commandsSoFar = async (services: readonly Service[]): Promise<number> =>
  (await Promise.all(services.map((s) => scrapeSums(s.url)))).reduce(
    (sum, m) => sum + (m.get(MONGO_COMMANDS_METRIC) ?? 0),
    0,
  );

/** Commands sent so far by service, command and collection (`follow-up find events`), for the per-assessment breakdown. */
export const commandsByName = async (services: readonly Service[]): Promise<Map<string, number>> => {
  const out = new Map<string, number>();
  const series = await Promise.all(services.map((s) => scrapeSeries(s.url, MONGO_COMMANDS_METRIC)));
  services.forEach((s, i) => {
    for (const [labels, n] of series[i]!) {
      const name = /command="([^"]*)"/.exec(labels)?.[1] ?? labels;
      const collection = /collection="([^"]*)"/.exec(labels)?.[1];
      const key = `${s.name} ${name}${collection ? ` ${collection}` : ''}`;
      out.set(key, (out.get(key) ?? 0) + n);
    }
  });
  return out;
};

/** Waits until every service's backlog is 0; returns null then, or the backlogs still seen at the limit. */
const waitIdle = async (all: readonly Service[], limitMs: number): Promise<string | null> => {
  // The gateway keeps no events and serves no /metrics of its own.
  const services = all.filter((s) => s.name !== 'gateway');
  const deadline = Date.now() + limitMs;
  for (;;) {
    const sums = await Promise.all(services.map((s) => scrapeSums(s.url)));
    if (sums.every((m) => m.size > 0 && backlogOf(m) === 0)) return null;
    if (Date.now() > deadline)
      return services
        .map((s, i) => `${s.name} ${sums[i]!.size === 0 ? 'no metrics' : backlogOf(sums[i]!)}`)
        .join(', ');
    await sleep(200);
  }
};

export interface CommandCost {
  /** Commands per second with no request at all, over `idleSeconds`. */
  readonly idlePerSecond: number;
  /** Commands per assessment, end to end (API, store, relay, every projection), idle rate subtracted. */
  readonly perAssessment: number;
  readonly assessments: number;
  /** Per assessment, by service and command name (idle rate not subtracted), largest first. */
  readonly breakdown: readonly (readonly [string, number])[];
}

/**
 * Counts what one staff update costs the MongoDB-wire server: the idle rate first, then `count`
 * assessments one at a time through the gateway, and the commands every service sent until all
 * backlogs are back to 0, less what the idle rate accounts for in that time.
 */
export const commandCost = async (
  services: readonly Service[],
  assess: (i: number) => Promise<number>,
  count = 50,
  idleSeconds = 10,
): Promise<CommandCost> => {
  const busy = await waitIdle(services, 60_000);
  if (busy !== null) throw new Error(`backlog not drained before the idle window: ${busy}`);
  const idleBefore = await commandsSoFar(services);
  const idleStarted = performance.now();
  await sleep(idleSeconds * 1000);
  const idleCommands = (await commandsSoFar(services)) - idleBefore;
  // The scrapes themselves are HTTP, not MongoDB commands: nothing to subtract for them.
  const idlePerSecond = idleCommands / ((performance.now() - idleStarted) / 1000);
  const before = await commandsSoFar(services);
  const namedBefore = await commandsByName(services);
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const status = await assess(i);
    if (status !== 201) throw new Error(`assessment ${i} answered ${status}`);
  }
  const left = await waitIdle(services, 60_000);
  if (left !== null) throw new Error(`backlog not drained after the assessments: ${left}`);
  const spent = (await commandsSoFar(services)) - before;
  const idleShare = idlePerSecond * ((performance.now() - started) / 1000);
  const breakdown = [...(await commandsByName(services))]
    .map(([name, n]) => [name, (n - (namedBefore.get(name) ?? 0)) / count] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    idlePerSecond,
    perAssessment: Math.max(0, spent - idleShare) / count,
    assessments: count,
    breakdown,
  };
};
