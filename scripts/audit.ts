/*
 * The auditors' command line: talks to the gateway's audit API over HTTP.
 *   npm run audit -- <verify|export|rebuild|as-of|timeline> [options]
 * Exit codes scripts can trust: 0 ok, 1 verification failed (broken chain, rebuild check found
 * differences), 2 usage or any other failure. Results go to stdout; progress bars to stderr.
 */
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, signDevToken } from '@tracker/auth';

const SERVICES = ['recommendations', 'commitments', 'follow-up'] as const;

const USAGE = `usage: npm run audit -- <command> [options]

commands:
  verify   [--service S]... [--stream ID]          verify hash chains (exit 1 names each broken event)
  export   --service S [--stream ID] [--type T] [--actor A] [--from ISO] [--to ISO] [--after N] [--out FILE]
                                                    NDJSON event history (stdout unless --out)
  rebuild  --service S <read-model> [--check]       rebuild a read model (--check: compare only; exit 1 if it differs)
  as-of    --service S --stream ID --at ISO [--axis recorded|occurred]
  as-of    --service S --projection NAME --row ID --at ISO
                                                    state of an aggregate or read-model row at an instant
  timeline <item-id> [--lang en|fr] [--json]        an item's history across all services, human-readable

options:
  --gateway URL   gateway base URL (env GATEWAY_URL, default http://127.0.0.1:3000)
  --token JWT     bearer token (env AUDIT_TOKEN); without one a development token is minted from
                  JWT_SECRET for --sub (default cli-auditor) with role auditor
services: ${SERVICES.join(', ')}
`;

class UsageError extends Error {}
class VerificationFailed extends Error {}

const options = {
  service: { type: 'string', multiple: true },
  stream: { type: 'string' },
  type: { type: 'string' },
  actor: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  after: { type: 'string' },
  out: { type: 'string' },
  check: { type: 'boolean' },
  at: { type: 'string' },
  axis: { type: 'string' },
  projection: { type: 'string' },
  row: { type: 'string' },
  lang: { type: 'string' },
  json: { type: 'boolean' },
  gateway: { type: 'string' },
  token: { type: 'string' },
  sub: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

/** A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise. */
class Progress {
  private last = 0;
  private readonly tty = process.stderr.isTTY;
  private readonly started = Date.now();
  private drawn = false;

  constructor(private readonly label: string) {}

  update(done: number, total: number | null, extra = '', force = false): void {
    const now = Date.now();
    if (!force && now - this.last < (this.tty ? 200 : 3_000)) return;
    this.last = now;
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = done / seconds;
    let bar = '';
    if (total !== null && total > 0) {
      const ratio = Math.min(1, done / total);
      const width = 24;
      const full = Math.round(ratio * width);
      const eta = rate > 0 ? Math.max(0, Math.round((total - done) / rate)) : null;
      bar = `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${(ratio * 100).toFixed(0)}% ${fmt(done)}/${fmt(total)}${eta === null ? '' : ` ETA ${eta}s`}`;
    } else {
      bar = fmt(done);
    }
    const line = `${this.label} ${bar} ${fmt(Math.round(rate))}/s${extra ? ` ${extra}` : ''}`;
    if (this.tty) process.stderr.write(`\r\x1b[2K${line}`);
    else process.stderr.write(`${line}\n`);
    this.drawn = true;
  }

  done(): void {
    if (this.tty && this.drawn) process.stderr.write('\n');
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

interface Client {
  readonly gateway: string;
  get(path: string, accept?: string): Promise<Response>;
  post(path: string): Promise<Response>;
}

const clientOf = (flags: Flags): Client => {
  const gateway = flags.gateway ?? process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';
  const token =
    flags.token ??
    process.env.AUDIT_TOKEN ??
    signDevToken(
      {
        secret: process.env.JWT_SECRET ?? DEV_JWT_SECRET,
        issuer: process.env.JWT_ISSUER ?? DEFAULT_JWT_ISSUER,
      },
      { sub: flags.sub ?? 'cli-auditor', role: 'auditor' },
      3600,
    );
  const call = async (method: string, path: string, accept: string): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(new URL(path, gateway), {
        method,
        headers: { authorization: `Bearer ${token}`, accept },
      });
    } catch (err) {
      throw new Error(
        `cannot reach the gateway at ${gateway}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (!res.ok) {
      const body = await res.text();
      let detail = body;
      try {
        const p = JSON.parse(body) as { detail?: string; title?: string };
        detail = p.detail ?? p.title ?? body;
      } catch {
        // not problem+json: keep the text
      }
      throw new Error(`${method} ${path} → ${res.status}: ${detail}`);
    }
    return res;
  };
  return {
    gateway,
    get: (path, accept = 'application/json') => call('GET', path, accept),
    post: (path) => call('POST', path, 'application/json'),
  };
};

const servicesOf = (flags: Flags, required: boolean): string[] => {
  const given = flags.service ?? [];
  for (const s of given)
    if (!(SERVICES as readonly string[]).includes(s)) throw new UsageError(`unknown service ${s}`);
  if (required && given.length !== 1) throw new UsageError('give exactly one --service');
  return given.length > 0 ? given : [...SERVICES];
};

const need = (value: string | undefined, what: string): string => {
  if (!value) throw new UsageError(`${what} is required`);
  return value;
};

/** Reads an NDJSON body line by line. */
async function* ndjsonLines(res: Response): AsyncGenerator<Record<string, unknown>> {
  if (!res.body) return;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) yield JSON.parse(line) as Record<string, unknown>;
    }
  }
  if (buffer.trim()) yield JSON.parse(buffer) as Record<string, unknown>;
}

interface Break {
  streamId: string;
  version: number;
  eventId: string;
  position: number | null;
  reason: string;
}
interface VerifyResult {
  service: string;
  streams: number;
  events: number;
  breaks: Break[];
  ok: boolean;
}

const verify = async (client: Client, flags: Flags): Promise<void> => {
  let broken = 0;
  for (const service of servicesOf(flags, false)) {
    const q = new URLSearchParams({ format: 'ndjson', ...(flags.stream ? { stream: flags.stream } : {}) });
    const res = await client.get(`/api/audit/${service}/verify?${q.toString()}`, 'application/x-ndjson');
    const bar = new Progress(`verify ${service}`);
    let result: VerifyResult | null = null;
    for await (const line of ndjsonLines(res)) {
      if (line.progress) {
        const p = line.progress as { commits: number; totalCommits: number; events: number };
        bar.update(p.commits, p.totalCommits, `commits, ${fmt(p.events)} events`);
      } else if (line.result) {
        result = line.result as VerifyResult;
      } else if (line.error) {
        throw new Error(`${service}: verification failed to run: ${JSON.stringify(line.error)}`);
      }
    }
    bar.done();
    if (!result) throw new Error(`${service}: verification ended without a result`);
    const summary = `${service}: ${fmt(result.streams)} streams, ${fmt(result.events)} events`;
    if (result.breaks.length === 0) {
      process.stdout.write(`${summary} — hash chains intact\n`);
      continue;
    }
    broken += result.breaks.length;
    process.stdout.write(`${summary} — ${result.breaks.length} BROKEN stream(s)\n`);
    for (const b of result.breaks) {
      process.stdout.write(
        `  BROKEN ${service} ${b.streamId} version ${b.version} event ${b.eventId}` +
          `${b.position === null ? '' : ` position ${b.position}`}: ${b.reason}\n`,
      );
    }
  }
  if (broken > 0) throw new VerificationFailed(`${broken} broken stream(s)`);
};

const exportEvents = async (client: Client, flags: Flags): Promise<void> => {
  const [service] = servicesOf(flags, true);
  const q = new URLSearchParams({ format: 'ndjson' });
  for (const k of ['stream', 'type', 'actor', 'from', 'to', 'after'] as const) {
    const v = flags[k];
    if (v) q.set(k, v);
  }
  const res = await client.get(`/api/audit/${service}/events?${q.toString()}`, 'application/x-ndjson');
  if (!res.body) throw new Error('empty answer');
  const bar = new Progress(`export ${service}`);
  let lines = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines += 1;
      bar.update(lines, null, 'events');
      done(null, chunk);
    },
  });
  const out = flags.out ? fs.createWriteStream(flags.out) : process.stdout;
  await pipeline(Readable.fromWeb(res.body), counter, out);
  bar.update(lines, null, 'events', true);
  bar.done();
  process.stderr.write(`exported ${fmt(lines)} events${flags.out ? ` to ${flags.out}` : ''}\n`);
};

interface Job {
  jobId: string;
  state: string;
  done: number;
  total: number;
  rate: number;
  etaSeconds: number | null;
  differences: string[] | null;
  error: string | null;
}

const rebuild = async (client: Client, flags: Flags, positionals: string[]): Promise<void> => {
  const [service] = servicesOf(flags, true);
  const projection = need(positionals[0], 'the read model to rebuild');
  const mode = flags.check ? 'check' : 'swap';
  const started = (await (
    await client.post(`/api/audit/${service}/rebuild/${encodeURIComponent(projection)}?mode=${mode}`)
  ).json()) as Job;
  const bar = new Progress(`rebuild ${service}/${projection}`);
  let job = started;
  while (!['done', 'failed'].includes(job.state)) {
    await new Promise((r) => setTimeout(r, 300));
    job = (await (await client.get(`/api/audit/${service}/rebuild/${job.jobId}`)).json()) as Job;
    bar.update(job.done, job.total, job.state);
  }
  bar.update(job.done, job.total, job.state, true);
  bar.done();
  process.stdout.write(`${JSON.stringify(job, null, 2)}\n`);
  if (job.state === 'failed') throw new Error(`rebuild failed: ${job.error ?? 'unknown error'}`);
  if (mode === 'check' && (job.differences?.length ?? 0) > 0)
    throw new VerificationFailed(`${job.differences!.length} document(s) differ from a replay`);
};

const asOf = async (client: Client, flags: Flags): Promise<void> => {
  const [service] = servicesOf(flags, true);
  const at = need(flags.at, '--at');
  if (Number.isNaN(Date.parse(at))) throw new UsageError('--at must be an ISO date or date-time');
  let path: string;
  if (flags.stream) {
    const q = new URLSearchParams({ asOf: at, axis: flags.axis ?? 'recorded' });
    path = `/api/audit/${service}/streams/${encodeURIComponent(flags.stream)}?${q.toString()}`;
  } else {
    const projection = need(flags.projection, '--stream or --projection');
    const row = need(flags.row, '--row');
    path = `/api/audit/${service}/projections/${encodeURIComponent(projection)}/${encodeURIComponent(row)}?asOf=${encodeURIComponent(at)}`;
  }
  const body = (await (await client.get(path)).json()) as Record<string, unknown>;
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
};

const timeline = async (client: Client, flags: Flags, positionals: string[]): Promise<void> => {
  const item = need(positionals[0], 'the item id');
  const q = new URLSearchParams({ item, ...(flags.lang ? { lang: flags.lang } : {}) });
  const res = await client.get(
    `/api/audit/timeline?${q.toString()}`,
    flags.json ? 'application/json' : 'text/plain',
  );
  process.stdout.write(await res.text());
};

const main = async (): Promise<number> => {
  let parsed: { values: Flags; positionals: string[] };
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  const { values: flags, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (flags.help || !command) {
    process.stderr.write(USAGE);
    return flags.help ? 0 : 2;
  }
  try {
    const client = clientOf(flags);
    switch (command) {
      case 'verify':
        await verify(client, flags);
        break;
      case 'export':
        await exportEvents(client, flags);
        break;
      case 'rebuild':
        await rebuild(client, flags, rest);
        break;
      case 'as-of':
        await asOf(client, flags);
        break;
      case 'timeline':
        await timeline(client, flags, rest);
        break;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof VerificationFailed) {
      process.stderr.write(`verification failed: ${err.message}\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`audit: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`audit: ${String(err)}\n`);
    process.exitCode = 2;
  },
);
