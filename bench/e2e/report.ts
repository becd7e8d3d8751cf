import fs from 'node:fs';
import type { ProfileSummary } from './cpuprofile';
import type { LagStats } from './lag';
import type { CommandCost } from './probes';
import type { ServiceName } from './services';
import { isWrite, type OpKind, type ReadKind, type WriteKind } from './workload';
import { percentile } from '../support/percentile';

export interface PhaseResult {
  readonly label: string;
  readonly connections: number;
  readonly seconds: number;
  readonly okWrites: number;
  readonly latencyMs: Record<OpKind, number[]>;
  readonly status: Record<OpKind, Map<number, number>>;
  readonly lag: LagStats;
  readonly errors: number;
  readonly timeouts: number;
  readonly requests: number;
  /** CPU seconds used during the phase, per service, server and the bench itself. */
  readonly cpuSeconds: Record<string, number>;
  readonly maxRssBytes: Record<ServiceName, number>;
  /** 1-minute load average when the phase started and ended. */
  readonly loadavg: readonly [number, number];
  /** Events applied by each service's projections during the level. */
  readonly handledEvents: Record<string, number>;
  /** Per service: outbox plus projection backlog (events) when the load stopped. */
  readonly backlogAtEnd: Record<string, number>;
  /** Seconds from the end of the load until every backlog was 0; null if not within the limit. */
  readonly catchUpSeconds: number | null;
}

export interface RunReport {
  readonly date: Date;
  readonly machine: {
    readonly cores: number;
    readonly cpuModel: string;
    readonly ramBytes: number;
    readonly kernel: string;
    readonly node: string;
    readonly loadBefore: readonly number[];
    readonly loadAfter: readonly number[];
  };
  readonly namespace: string;
  readonly lagTimeoutMs: number;
  readonly catchUpLimitSeconds: number;
  readonly seed: string;
  readonly setupSeconds: number;
  readonly benchCommitments: number;
  readonly trackerRows: number;
  readonly staff: readonly string[];
  readonly phases: readonly PhaseResult[];
  readonly profilePhase: PhaseResult | null;
  readonly profiles: Partial<Record<ServiceName, ProfileSummary>>;
  readonly peakRssBytes: Record<ServiceName, number>;
  readonly writeKinds: readonly WriteKind[];
  readonly readKinds: readonly ReadKind[];
  /** The server's insertOne rate alone (8 concurrent loops), measured in the same run. */
  readonly rawInsertPerSecond: number;
  readonly commandCost: CommandCost;
}

/**
 * Issue #12's targets: updates/s as a share of the server's raw insertOne rate in the same run (the
 * absolute 3,000/s of #8 is a MongoDB 7 figure), lag p99 500 ms, commands per assessment and idle.
 */
export const TARGETS = {
  updatesPerSecond: 3000,
  shareOfRawInsert: 0.3,
  commandP99Ms: 50,
  lagP99Ms: 500,
  rssMb: 200,
  commandsPerAssessment: 6,
  idleCommandsPerSecond: 5,
} as const;

const fmt = (n: number, d = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
    : 'n/a';
const mb = (bytes: number): number => bytes / (1024 * 1024);
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

const commandLatencies = (p: PhaseResult): number[] =>
  (Object.keys(p.latencyMs) as OpKind[]).filter(isWrite).flatMap((k) => p.latencyMs[k]);
const readLatencies = (p: PhaseResult): number[] =>
  (Object.keys(p.latencyMs) as OpKind[]).filter((k) => !isWrite(k)).flatMap((k) => p.latencyMs[k]);
const updatesPerSecond = (p: PhaseResult): number => p.okWrites / p.seconds;

const non2xxOf = (maps: readonly Map<number, number>[]): Map<number, number> => {
  const out = new Map<number, number>();
  for (const counts of maps)
    for (const [status, n] of counts)
      if (status < 200 || status >= 300) out.set(status, (out.get(status) ?? 0) + n);
  return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
};
const non2xx = (phases: readonly PhaseResult[]): Map<number, number> =>
  non2xxOf(phases.flatMap((p) => Object.values(p.status)));

const non2xxText = (m: Map<number, number>): string =>
  m.size === 0 ? 'none' : [...m.entries()].map(([s, n]) => `${s} × ${fmt(n)}`).join(', ');

const ANALYSIS_START = '<!-- analysis: kept when the bench rewrites this file -->';
const ANALYSIS_END = '<!-- /analysis -->';

/** Writes the markdown report (keeping a hand-written analysis block) and returns the summary lines. */
export const writeReport = (r: RunReport, file: string, profileDir: string): string[] => {
  const best = r.phases.reduce((a, b) => (updatesPerSecond(b) > updatesPerSecond(a) ? b : a));
  const cmd = commandLatencies(best);
  const lagP99 = percentile(best.lag.lagsMs, 99);
  // A percentile that lands on a timed-out sample only says "at least".
  const lagText = (p: PhaseResult, q: number): string => {
    const v = percentile(p.lag.lagsMs, q);
    return `${p.lag.timedOut > 0 && v >= r.lagTimeoutMs ? '≥ ' : ''}${fmt(v)}`;
  };
  const bad = non2xx(r.phases);
  const errors = r.phases.reduce((n, p) => n + p.errors, 0);
  const timeouts = r.phases.reduce((n, p) => n + p.timeouts, 0);
  const services = Object.keys(r.peakRssBytes) as ServiceName[];

  const lines = [
    `sustained: ${fmt(updatesPerSecond(best))} updates/s (${best.connections} connections, ${fmt(best.seconds, 0)} s, ${fmt(best.okWrites)} successful updates)`,
    `raw insert: ${fmt(r.rawInsertPerSecond)}/s`,
    `updates/s as a share of raw insert: ${pct(updatesPerSecond(best) / r.rawInsertPerSecond)}`,
    `MongoDB-wire commands per assessment (end to end, all services): ${fmt(r.commandCost.perAssessment, 1)}`,
    `idle: ${fmt(r.commandCost.idlePerSecond, 1)} MongoDB-wire commands/s (all services, no requests)`,
    `command p50: ${fmt(percentile(cmd, 50))} ms`,
    `command p99: ${fmt(percentile(cmd, 99))} ms`,
    `read-your-write lag p99: ${lagText(best, 99)} ms (${fmt(best.lag.lagsMs.length)} samples, ${best.lag.timedOut} not seen within ${fmt(r.lagTimeoutMs / 1000)} s)`,
    ...services.map((s) => `rss ${s}: ${fmt(mb(r.peakRssBytes[s]))} MB`),
    `non-2xx: ${non2xxText(bad)}${errors + timeouts > 0 ? `; connection errors ${errors} (timeouts ${timeouts})` : ''}`,
    ...r.phases.map(
      (p) =>
        `at ${p.connections} connections: ${fmt(updatesPerSecond(p))} updates/s, command p50/p99 ${fmt(percentile(commandLatencies(p), 50))}/${fmt(percentile(commandLatencies(p), 99))} ms, read p99 ${fmt(percentile(readLatencies(p), 99))} ms, lag p50/p99 ${lagText(p, 50)}/${lagText(p, 99)} ms, backlog at end ${fmt(Object.values(p.backlogAtEnd).reduce((a, b) => a + b, 0))} events (caught up ${p.catchUpSeconds === null ? `> ${r.catchUpLimitSeconds} s` : `in ${fmt(p.catchUpSeconds, 1)} s`}), load ${p.loadavg[0].toFixed(1)}→${p.loadavg[1].toFixed(1)}`,
    ),
  ];

  const met = (ok: boolean): string => (ok ? 'met' : '**missed**');
  const maxRss = Math.max(...services.map((s) => mb(r.peakRssBytes[s])));
  const m = r.machine;
  const md: string[] = [];
  md.push('# Benchmarks', '');
  md.push(
    'Written by `npm run bench -- e2e` (bench/e2e, see its README); the analysis section is written by hand and kept',
    'when the bench rewrites this file. Figures are from one run on a shared development machine: compare',
    'runs on the same machine, not with other machines.',
    '',
  );
  md.push('## End-to-end: the whole stack through the gateway', '');
  md.push(
    `Run ${r.date.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${m.cores} cores (${m.cpuModel}), ${fmt(m.ramBytes / 1024 ** 3, 1)} GB RAM, Linux ${m.kernel}, Node ${m.node}.`,
    `Load average (1/5/15 min) ${m.loadBefore.map((l) => l.toFixed(2)).join(' / ')} before the run and ${m.loadAfter.map((l) => l.toFixed(2)).join(' / ')} after it: other work (test suites, builds of other sessions) shared the two cores, so the figures are lower bounds of what the stack does alone.`,
    '',
    'Everything on the same machine: the four services as child processes (Node, one process each), Apache Kafka 4 (KRaft, one node), FerretDB 1.24 on PostgreSQL 15 as the MongoDB-wire server (docs/adr/0005), Redis 7, and the load generator (autocannon, in the bench process, with the lag poller).',
    `Setup (${fmt(r.setupSeconds, 1)} s, not measured): fresh databases and topics (namespace \`${r.namespace}\`), the Mali dataset seeded through the gateway (${r.seed}), ${r.benchCommitments} more commitments for the staff to update; ${r.trackerRows} tracker rows.`,
    `Load: autocannon, one request in flight per connection, no warm-up; each request picks an operation: 30 % \`POST /api/assessments\` (any tracker row), 15 % due-date extensions and 15 % revisions (\`PATCH\`) of commitments with \`If-Match\` (a commitment is updated by one request at a time, the version from the last answer), 25 % \`GET /api/tracker/items/{id}\`, 10 % \`GET /api/commitments/{id}\`, 5 % filtered tracker pages. Simulated staff (one token each, picked per request): ${r.staff.join(', ')}. Focal points write only for their institution. The gateway's per-principal rate limit is raised for the run (10 staff at thousands of requests a second would otherwise measure the limiter).`,
    `Read-your-write lag: for 1 successful update in 20 the bench polls \`GET /api/tracker/items/{id}\` until the row shows the change (assessment sequence, due date or revision number) and records the time from the 2xx; it polls every 20 ms, then every tenth of the time waited so far (at most 1 s), so the resolution is 20 ms or 10 % of the lag; a sample not seen within ${fmt(r.lagTimeoutMs / 1000)} s counts as that long, and a percentile that lands on one is shown as ≥.`,
    '',
  );
  md.push('| figure | measured | target | |', '|---|---|---|---|');
  md.push(
    `| sustained successful updates/s (best level: ${best.connections} connections) | ${fmt(updatesPerSecond(best))} | ≥ ${fmt(TARGETS.updatesPerSecond)} | ${met(updatesPerSecond(best) >= TARGETS.updatesPerSecond)} |`,
    `| updates/s as a share of raw insertOne (${fmt(r.rawInsertPerSecond)}/s, same run) | ${pct(updatesPerSecond(best) / r.rawInsertPerSecond)} | ≥ ${pct(TARGETS.shareOfRawInsert)} | ${met(updatesPerSecond(best) / r.rawInsertPerSecond >= TARGETS.shareOfRawInsert)} |`,
    `| MongoDB-wire commands per assessment, end to end | ${fmt(r.commandCost.perAssessment, 1)} | ≤ ${TARGETS.commandsPerAssessment} | ${met(r.commandCost.perAssessment <= TARGETS.commandsPerAssessment)} |`,
    `| idle MongoDB-wire commands/s (no requests) | ${fmt(r.commandCost.idlePerSecond, 1)} | ≤ ${TARGETS.idleCommandsPerSecond} | ${met(r.commandCost.idlePerSecond <= TARGETS.idleCommandsPerSecond)} |`,
    `| command latency p50 | ${fmt(percentile(cmd, 50))} ms | | |`,
    `| command latency p99 | ${fmt(percentile(cmd, 99))} ms | ≤ ${TARGETS.commandP99Ms} ms | ${met(percentile(cmd, 99) <= TARGETS.commandP99Ms)} |`,
    `| read-your-write lag p99 | ${lagText(best, 99)} ms | ≤ ${TARGETS.lagP99Ms} ms | ${met(lagP99 <= TARGETS.lagP99Ms)} |`,
    ...services.map(
      (s) =>
        `| peak RSS ${s} | ${fmt(mb(r.peakRssBytes[s]))} MB | ≤ ${TARGETS.rssMb} MB | ${met(mb(r.peakRssBytes[s]) <= TARGETS.rssMb)} |`,
    ),
    `| non-2xx answers (all levels) | ${non2xxText(bad)} | | |`,
    '',
  );
  md.push(
    `Peak RSS is the kernel's high-water mark (VmHWM) of each service process from its start through boot, seed and every level (before the profiled run); the largest is ${fmt(maxRss)} MB. Largest RSS seen during each level (sampled every 0.5 s): ${r.phases.map((p) => `${p.connections} connections: ${services.map((s) => `${s} ${fmt(mb(p.maxRssBytes[s] ?? 0))}`).join(', ')} MB`).join('; ')}.`,
    '',
  );

  md.push('### By connection level', '');
  md.push(
    '| connections | updates/s | requests/s | command p50 / p99 | assessment p99 | extension p99 | revision p99 | read p50 / p99 | lag p50 / p99 (samples, timed out) | non-2xx | load avg start→end |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const p of r.phases) {
    const c = commandLatencies(p);
    const rd = readLatencies(p);
    md.push(
      `| ${p.connections} | ${fmt(updatesPerSecond(p))} | ${fmt(p.requests / p.seconds)} | ${fmt(percentile(c, 50))} / ${fmt(percentile(c, 99))} ms | ${fmt(percentile(p.latencyMs.assessment, 99))} ms | ${fmt(percentile(p.latencyMs.extension, 99))} ms | ${fmt(percentile(p.latencyMs.revision, 99))} ms | ${fmt(percentile(rd, 50))} / ${fmt(percentile(rd, 99))} ms | ${lagText(p, 50)} / ${lagText(p, 99)} ms (${p.lag.lagsMs.length}, ${p.lag.timedOut}) | ${non2xxText(non2xx([p]))} | ${p.loadavg[0].toFixed(1)}→${p.loadavg[1].toFixed(1)} |`,
    );
  }
  md.push('');
  md.push(
    'Read models behind the writes: events applied by the projections of each service during the level, the backlog (outbox + Kafka consumer lag, from `/metrics`) when the load stopped, and how long after the load the backlogs took to reach 0:',
    '',
  );
  for (const p of r.phases)
    md.push(
      `- ${p.connections} connections: applied ${Object.entries(p.handledEvents)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${s} ${fmt(n)} (${fmt(n / p.seconds, 1)}/s)`)
        .join(', ')}; backlog at the end ${Object.entries(p.backlogAtEnd)
        .map(([s, n]) => `${s} ${fmt(n)}`)
        .join(
          ', ',
        )}; ${p.catchUpSeconds === null ? `not caught up within ${r.catchUpLimitSeconds} s` : `caught up in ${fmt(p.catchUpSeconds, 1)} s`}.`,
    );
  md.push('');
  md.push('Non-2xx by operation (all levels):', '');
  const kinds = Object.keys(r.phases[0]?.status ?? {}) as OpKind[];
  for (const k of kinds) {
    const maps = r.phases.map((p) => p.status[k]);
    const total = maps.reduce((n, m2) => n + [...m2.values()].reduce((a, b) => a + b, 0), 0);
    md.push(`- ${k}: ${fmt(total)} requests; non-2xx ${non2xxText(non2xxOf(maps))}`);
  }
  md.push('');

  md.push('### Where the CPU went', '');
  const cpuPhases = [...r.phases, ...(r.profilePhase ? [r.profilePhase] : [])];
  const procs = [...new Set(cpuPhases.flatMap((p) => Object.keys(p.cpuSeconds)))];
  md.push(
    `CPU seconds used during each level (from /proc; ${r.machine.cores} cores × the level's length is the most there was). PostgreSQL and FerretDB serve other sessions' work too, so their share includes some of that.`,
    '',
    `| process | ${cpuPhases.map((p) => `${p.label} (${fmt(p.seconds, 0)} s)`).join(' | ')} |`,
    `|---|${cpuPhases.map(() => '---').join('|')}|`,
  );
  for (const proc of procs)
    md.push(
      `| ${proc} | ${cpuPhases.map((p) => `${fmt(p.cpuSeconds[proc] ?? 0, 1)} s (${pct((p.cpuSeconds[proc] ?? 0) / (p.seconds * r.machine.cores))})`).join(' | ')} |`,
    );
  md.push(
    `| total | ${cpuPhases
      .map(
        (p) =>
          `${fmt(
            Object.values(p.cpuSeconds).reduce((a, b) => a + b, 0),
            1,
          )} s of ${fmt(p.seconds * r.machine.cores, 0)}`,
      )
      .join(' | ')} |`,
    '',
  );

  const profiled = Object.entries(r.profiles) as [ServiceName, ProfileSummary][];
  if (profiled.length > 0 && r.profilePhase) {
    const pp = r.profilePhase;
    const hottest = [...profiled].sort((a, b) => (pp.cpuSeconds[b[0]] ?? 0) - (pp.cpuSeconds[a[0]] ?? 0));
    md.push('### CPU profiles', '');
    md.push(
      `V8's sampling profiler (1 ms interval, as \`node --cpu-prof\`) in every service during an extra ${fmt(pp.seconds, 0)} s run at ${pp.connections} connections (${fmt(updatesPerSecond(pp))} updates/s while profiled); the .cpuprofile files are in \`${profileDir}/\` (open them in Chrome DevTools, or \`node dist/bench/e2e/cpuprofile.js FILE\` for this summary). Self time as a share of the window, by where the code lives:`,
      '',
    );
    md.push('| service (CPU in the run) | busy | top places by self time |', '|---|---|---|');
    for (const [name, s] of hottest)
      md.push(
        `| ${name} (${fmt(pp.cpuSeconds[name] ?? 0, 1)} s) | ${pct(s.busyShare)} | ${s.places
          .filter((p) => p.name !== '(idle)')
          .slice(0, 6)
          .map((p) => `${p.name} ${pct(p.share)}`)
          .join(', ')} |`,
      );
    const [topName, top] = hottest[0]!;
    md.push('', `Top functions by self time in the hottest service, ${topName}:`, '');
    for (const f of top.functions.filter((f) => !f.name.startsWith('(idle)')).slice(0, 12))
      md.push(`- ${pct(f.share)} \`${f.name}\``);
    md.push('');
  }

  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const i = old.indexOf(ANALYSIS_START);
  const j = old.indexOf(ANALYSIS_END);
  const analysis =
    i >= 0 && j > i
      ? old.slice(i, j + ANALYSIS_END.length)
      : `${ANALYSIS_START}\n### What limits it\n\n(not written yet)\n${ANALYSIS_END}`;
  md.push(analysis, '');
  fs.writeFileSync(file, md.join('\n'));
  return lines;
};
