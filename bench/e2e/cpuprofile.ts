import fs from 'node:fs';

/** The parts of a V8 .cpuprofile (as `node --cpu-prof` or the inspector's Profiler writes it) used here. */
interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Share of the window the thread was busy (not idle). */
  readonly busyShare: number;
  readonly functions: SelfTime[];
  /** Self time by where the code lives: a package, node internals, our libs/apps, GC. */
  readonly places: SelfTime[];
}

const shortUrl = (url: string): string => {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
};

export const placeOf = (frame: CallFrame): string => {
  const { url, functionName } = frame;
  if (url === '') {
    if (/^\((garbage collector|program|idle|root)\)$/.test(functionName)) return functionName;
    return '(native / V8 builtins)';
  }
  if (url.startsWith('node:')) return 'node internals';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.slice(url.lastIndexOf('node_modules/')));
  if (nm) return nm[1]!;
  const ours = /\/dist\/(apps|libs)\/([^/]+)/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return shortUrl(url);
};

const rank = (m: Map<string, number>, total: number, n: number): SelfTime[] =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 }));

export const summariseProfile = (file: string, top = 12): ProfileSummary => {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < samples.length; i += 1) {
    // timeDeltas[i] is the time before sample i: the time a sample stands for is the next delta.
    const us = deltas[i + 1] ?? deltas[i] ?? 0;
    const node = nodes.get(samples[i]!);
    if (!node) continue;
    const f = node.callFrame;
    total += us;
    if (f.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const name = `${f.functionName || '(anonymous)'}${f.url ? ` ${shortUrl(f.url)}:${f.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const place = placeOf(f);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  return {
    totalMs: total / 1000,
    busyShare: total > 0 ? (total - idle) / total : 0,
    functions: rank(byFunction, total, top),
    places: rank(byPlace, total, top),
  };
};

/** `node dist/bench/e2e/cpuprofile.js FILE.cpuprofile [N]`: the top self-time functions and places. */
if (require.main === module) {
  const [file, n] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/bench/e2e/cpuprofile.js FILE.cpuprofile [top]\n');
    process.exit(2);
  }
  const s = summariseProfile(file, Number(n ?? 15));
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  process.stdout.write(`${file}: ${s.totalMs.toFixed(0)} ms sampled, busy ${pct(s.busyShare)}\n`);
  process.stdout.write('self time by place:\n');
  for (const p of s.places) process.stdout.write(`  ${pct(p.share).padStart(7)}  ${p.name}\n`);
  process.stdout.write('top functions by self time:\n');
  for (const f of s.functions) process.stdout.write(`  ${pct(f.share).padStart(7)}  ${f.name}\n`);
}
