import { randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';
import type { LagSampler, TrackerRowView } from './lag';

/**
 * The load: simulated staff sending a mix of commands and reads through the gateway, one request per
 * autocannon connection at a time. Commitment updates carry the version the bench last saw (If-Match);
 * a commitment is updated by one request at a time, so 412s come only from changes the bench did not
 * make (e.g. the lapse timer), and each answer (2xx or 412) tells the bench the new version.
 */
export type Role = 'admin' | 'secretariat' | 'focal-point' | 'auditor' | 'viewer';
export interface Staff {
  readonly sub: string;
  readonly role: Role;
  readonly institution: string | null;
  readonly token: string;
}

export interface Target {
  readonly id: string;
  readonly kind: 'recommendation' | 'commitment';
  readonly institutions: readonly string[];
}

/** A commitment the bench updates: what it last knew of it. */
export interface BenchCommitment {
  readonly id: string;
  readonly institutions: readonly string[];
  version: number;
  dueDate: string;
  revision: number;
  busySince: number | null;
}

export const WRITE_KINDS = ['assessment', 'extension', 'revision'] as const;
export const READ_KINDS = ['tracker-item', 'tracker-list', 'commitment'] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];
export type ReadKind = (typeof READ_KINDS)[number];
export type OpKind = WriteKind | ReadKind;

/** Share of requests per kind (sums to 1): 60 % writes, 40 % reads. */
export const MIX: Readonly<Record<OpKind, number>> = {
  assessment: 0.3,
  extension: 0.15,
  revision: 0.15,
  'tracker-item': 0.25,
  'tracker-list': 0.05,
  commitment: 0.1,
};

export const isWrite = (k: OpKind): k is WriteKind => (WRITE_KINDS as readonly string[]).includes(k);

export interface PhaseStats {
  readonly latencyMs: Record<OpKind, number[]>;
  readonly status: Record<OpKind, Map<number, number>>;
  okWrites: number;
}

export const newPhaseStats = (): PhaseStats => ({
  latencyMs: {
    assessment: [],
    extension: [],
    revision: [],
    'tracker-item': [],
    'tracker-list': [],
    commitment: [],
  },
  status: {
    assessment: new Map(),
    extension: new Map(),
    revision: new Map(),
    'tracker-item': new Map(),
    'tracker-list': new Map(),
    commitment: new Map(),
  },
  okWrites: 0,
});

interface Op {
  readonly kind: OpKind;
  readonly startedAt: number;
  readonly itemId: string;
  readonly commitment?: BenchCommitment;
  /** For an extension, the due date asked for; for a revision, its number. */
  readonly dueDate?: string;
  readonly revision?: number;
}

interface OpContext {
  op?: Op;
}

const STATUSES = ['not-started', 'in-progress', 'partially-implemented', 'implemented', 'not-implemented'];
const BUSY_EXPIRY_MS = 15_000;

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

const nextDay = (date: string): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

export const revisionText = (n: number, id: string): string =>
  `Bench revision ${n} of commitment ${id}: the ministry reports the steps taken this quarter.`;
export const revisionOf = (text: string): number => Number(/^Bench revision (\d+) /.exec(text)?.[1] ?? 0);

const today = (): string => new Date().toISOString().slice(0, 10);

export class Workload {
  stats: PhaseStats = newPhaseStats();
  private cursor = 0;
  private assessments = 0;

  constructor(
    private readonly staff: readonly Staff[],
    private readonly targets: readonly Target[],
    private readonly commitments: readonly BenchCommitment[],
    private readonly lag: LagSampler,
  ) {}

  /** A fresh phase: new counters, every commitment free again. */
  reset(): void {
    this.stats = newPhaseStats();
    for (const c of this.commitments) c.busySince = null;
  }

  /** The one autocannon request whose setup picks the next operation. */
  request(): autocannon.Request {
    return {
      setupRequest: (req, context) => this.setup(req, context),
      onResponse: (status, body, context, headers) => this.onResponse(status, body, context, headers),
    };
  }

  private writer(institutions: readonly string[]): Staff {
    const focal = this.staff.filter(
      (s) => s.role === 'focal-point' && s.institution !== null && institutions.includes(s.institution),
    );
    if (focal.length > 0 && Math.random() < 0.3) return pick(focal);
    return pick(this.staff.filter((s) => s.role === 'secretariat' || s.role === 'admin'));
  }

  private reader(kind: Target['kind']): Staff {
    // Viewers see published recommendations only; the bench reads every row, so they read commitments.
    const roles: Role[] =
      kind === 'commitment' ? ['viewer', 'auditor', 'secretariat'] : ['auditor', 'secretariat'];
    return pick(this.staff.filter((s) => roles.includes(s.role)));
  }

  private chooseKind(): OpKind {
    let r = Math.random();
    for (const [kind, share] of Object.entries(MIX) as [OpKind, number][]) {
      if (r < share) return kind;
      r -= share;
    }
    return 'tracker-item';
  }

  /** The next commitment no request is updating (round robin); null when all are busy. */
  private freeCommitment(now: number): BenchCommitment | null {
    for (let i = 0; i < this.commitments.length; i += 1) {
      const c = this.commitments[(this.cursor + i) % this.commitments.length]!;
      if (c.busySince === null || now - c.busySince > BUSY_EXPIRY_MS) {
        this.cursor = (this.cursor + i + 1) % this.commitments.length;
        c.busySince = now;
        return c;
      }
    }
    return null;
  }

  private setup(req: autocannon.Request, ctx: OpContext): autocannon.Request {
    const now = performance.now();
    let kind = this.chooseKind();
    const commitment = kind === 'extension' || kind === 'revision' ? this.freeCommitment(now) : null;
    if ((kind === 'extension' || kind === 'revision') && commitment === null) kind = 'tracker-item';
    const json = { 'content-type': 'application/json' };
    switch (kind) {
      case 'assessment': {
        const target = pick(this.targets);
        const who = this.writer(target.kind === 'commitment' ? target.institutions : []);
        this.assessments += 1;
        ctx.op = { kind, startedAt: now, itemId: target.id };
        return {
          ...req,
          method: 'POST',
          path: '/api/assessments',
          headers: { ...json, authorization: `Bearer ${who.token}`, 'idempotency-key': randomUUID() },
          body: JSON.stringify({
            target: { kind: target.kind, id: target.id },
            status: pick(STATUSES),
            assessedOn: today(),
            evidence: [
              {
                source: 'Secretariat field visit',
                date: today(),
                summary: `Follow-up meeting with the responsible institution (bench note ${this.assessments}).`,
              },
            ],
            note: `Assessment ${this.assessments} by ${who.sub}`,
          }),
        };
      }
      case 'extension':
      case 'revision': {
        const c = commitment!;
        const who = this.writer(c.institutions);
        const headers = { ...json, authorization: `Bearer ${who.token}`, 'if-match': `"${c.version}"` };
        if (kind === 'extension') {
          const dueDate = nextDay(c.dueDate);
          ctx.op = { kind, startedAt: now, itemId: c.id, commitment: c, dueDate };
          return {
            ...req,
            method: 'POST',
            path: `/api/commitments/${c.id}/due-date-extensions`,
            headers: { ...headers, 'idempotency-key': randomUUID() },
            body: JSON.stringify({ dueDate, reason: 'the ministry asked for one more day (bench)' }),
          };
        }
        const revision = c.revision + 1;
        ctx.op = { kind, startedAt: now, itemId: c.id, commitment: c, revision };
        return {
          ...req,
          method: 'PATCH',
          path: `/api/commitments/${c.id}`,
          headers,
          body: JSON.stringify({ text: revisionText(revision, c.id) }),
        };
      }
      case 'tracker-item': {
        const target = pick(this.targets);
        ctx.op = { kind, startedAt: now, itemId: target.id };
        return {
          ...req,
          method: 'GET',
          path: `/api/tracker/items/${target.id}`,
          headers: { authorization: `Bearer ${this.reader(target.kind).token}` },
          body: undefined,
        };
      }
      case 'tracker-list': {
        ctx.op = { kind, startedAt: now, itemId: '' };
        const filter = pick(['kind=commitment', 'overdue=true', 'hasAssessment=true', 'kind=recommendation']);
        return {
          ...req,
          method: 'GET',
          path: `/api/tracker?${filter}&limit=20`,
          headers: {
            authorization: `Bearer ${this.reader(filter === 'kind=commitment' ? 'commitment' : 'recommendation').token}`,
          },
          body: undefined,
        };
      }
      case 'commitment': {
        const c = pick(this.commitments);
        ctx.op = { kind, startedAt: now, itemId: c.id };
        return {
          ...req,
          method: 'GET',
          path: `/api/commitments/${c.id}`,
          headers: { authorization: `Bearer ${this.reader('commitment').token}` },
          body: undefined,
        };
      }
    }
  }

  private onResponse(
    status: number,
    body: string,
    ctx: OpContext,
    headers: autocannon.Request['headers'],
  ): void {
    const op = ctx.op;
    if (!op) return;
    const now = performance.now();
    ctx.op = undefined;
    const counts = this.stats.status[op.kind];
    counts.set(status, (counts.get(status) ?? 0) + 1);
    const ok = status >= 200 && status < 300;
    if (ok) this.stats.latencyMs[op.kind].push(now - op.startedAt);
    const c = op.commitment;
    if (c) {
      c.busySince = null;
      const etag = /^"(\d+)"$/.exec(String(headers?.etag ?? headers?.ETag ?? ''))?.[1];
      if (ok && etag) c.version = Number(etag);
      if (status === 412) {
        const current = (JSON.parse(body) as { currentVersion?: number }).currentVersion;
        if (typeof current === 'number') c.version = current;
      }
      if (ok && op.dueDate) c.dueDate = op.dueDate;
      if (ok && op.revision) c.revision = op.revision;
    }
    if (!ok || !isWrite(op.kind)) return;
    this.stats.okWrites += 1;
    if (op.kind === 'assessment') {
      const version = (JSON.parse(body) as { version?: number }).version ?? 0;
      this.lag.offer(
        op.itemId,
        (row: TrackerRowView) => (row.latestAssessment?.sequence ?? 0) >= version,
        now,
        `assessment sequence ${version}`,
      );
    } else if (op.dueDate) {
      const due = op.dueDate;
      this.lag.offer(op.itemId, (row) => (row.commitment?.dueDate ?? '') >= due, now, `due date ${due}`);
    } else if (op.revision) {
      const n = op.revision;
      this.lag.offer(op.itemId, (row) => revisionOf(row.commitment?.text ?? '') >= n, now, `revision ${n}`);
    }
  }
}
