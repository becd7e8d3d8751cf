import fs from 'node:fs';
import { procStat, TICKS_PER_SECOND } from '../../test/support/server-cpu';

/** What /proc says about a process: CPU time used so far and resident memory (now and peak). */
export interface ProcSample {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  readonly peakRssBytes: number;
}

const read = (file: string): string | null => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

export const sampleProc = (pid: number): ProcSample | null => {
  const stat = procStat(pid);
  const status = read(`/proc/${pid}/status`);
  if (stat === null || status === null) return null;
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return {
    cpuSeconds: stat.own / TICKS_PER_SECOND,
    rssBytes: kb('VmRSS') * 1024,
    peakRssBytes: kb('VmHWM') * 1024,
  };
};

const cmdline = (pid: number): string => (read(`/proc/${pid}/cmdline`) ?? '').replace(/\0/g, ' ');
const ppid = (pid: number): number => procStat(pid)?.ppid ?? -1;

const allPids = (): number[] =>
  fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);

/**
 * The servers this bench talks to, found by their command lines: the FerretDB listening on the Mongo
 * port, the PostgreSQL postmaster on PG_PORT with all its backends, and the Kafka broker of this checkout.
 */
export const serverPids = (mongoPort: string, pgPort: string, root: string): Record<string, number[]> => {
  const pids = allPids();
  const lines = new Map(pids.map((p) => [p, cmdline(p)]));
  const ferret = pids.filter(
    (p) => /ferretdb/.test(lines.get(p)!) && lines.get(p)!.includes(`:${mongoPort} `),
  );
  const postmaster = pids.filter(
    (p) => /bin\/postgres /.test(lines.get(p)!) && new RegExp(`-p ${pgPort}( |$)`).test(lines.get(p)!),
  );
  const postgres = [...postmaster, ...pids.filter((p) => postmaster.includes(ppid(p)))];
  const kafka = pids.filter(
    (p) =>
      lines.get(p)!.includes('kafka.Kafka') &&
      lines.get(p)!.includes(`${root}/.local/kafka/server.properties`),
  );
  return { ferretdb: ferret, postgresql: postgres, kafka };
};

/** CPU seconds used by a group of processes (a process that has gone counts for nothing). */
export const groupCpu = (pids: readonly number[]): Map<number, number> =>
  new Map(pids.map((p) => [p, sampleProc(p)?.cpuSeconds ?? 0]));

export const cpuDelta = (before: Map<number, number>, after: Map<number, number>): number => {
  let sum = 0;
  for (const [pid, cpu] of after) sum += cpu - (before.get(pid) ?? 0);
  return sum;
};
