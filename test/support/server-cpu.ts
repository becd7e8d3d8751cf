import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@tracker/testing';

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ, fixed for user space). */
export const TICKS_PER_SECOND = 100;
/** The servers deploy/local starts whose CPU the MongoDB-wire work costs: FerretDB and its PostgreSQL. */
const SERVERS = ['ferretdb', 'postgres'] as const;

export interface ProcStat {
  readonly ppid: number;
  /** utime + stime, in ticks. */
  readonly own: number;
  /** cutime + cstime: children that exited and were waited for (PostgreSQL backends that ended). */
  readonly children: number;
}

/** A process's parent and CPU ticks from /proc/<pid>/stat (also bench/e2e/proc.ts); null once it exited. */
export const procStat = (pid: number): ProcStat | null => {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(f[1]),
      own: Number(f[11]) + Number(f[12]),
      children: Number(f[13]) + Number(f[14]),
    };
  } catch {
    return null; // exited meanwhile
  }
};

const pidOf = (name: string): number | null => {
  try {
    return Number(fs.readFileSync(path.join(REPO_ROOT, '.local', 'run', `${name}.pid`), 'utf8').trim());
  } catch {
    return null;
  }
};

/** CPU ticks used so far by the native FerretDB and PostgreSQL (with every PostgreSQL backend), or null. */
const serverTicks = (): number | null => {
  const roots = SERVERS.map(pidOf);
  if (roots.some((p) => p === null || procStat(p) === null)) return null;
  const rootSet = new Set(roots as number[]);
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = procStat(pid);
    if (!stat) continue;
    if (rootSet.has(pid)) ticks += stat.own + stat.children;
    else if (rootSet.has(stat.ppid)) ticks += stat.own;
  }
  return ticks;
};

/**
 * Measures the share of one core the native FerretDB and PostgreSQL used between `start()` and the
 * returned `stop()`; null when they are not the native servers of deploy/local (Testcontainers).
 * The servers are shared: whatever else runs against them meanwhile is counted too.
 */
export const serverCpu = (): { stop(): number | null } => {
  const startedAt = process.hrtime.bigint();
  const before = serverTicks();
  return {
    stop: () => {
      const after = serverTicks();
      if (before === null || after === null) return null;
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      return (after - before) / TICKS_PER_SECOND / seconds;
    },
  };
};
