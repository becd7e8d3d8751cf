import { ASSESSMENT_STATUSES } from '@tracker/contracts';

/** A write the gateway acknowledged with a 2xx: it must be in the event store and the read models, once. */
export interface Ack {
  readonly kind: 'assessment' | 'revision';
  readonly marker: string;
  readonly itemId: string;
}

export interface StaffItems {
  readonly commitmentId: string;
  readonly recommendationId: string;
}

export interface LoadFigures {
  readonly acked: Ack[];
  /** Writes answered 4xx other than a lost optimistic race (412): none expected. */
  readonly refused: string[];
  /** Writes with no 2xx after every retry (unknown outcome: they may or may not be stored). */
  unacknowledged: number;
  reads: number;
  readsFailed: number;
}

/** `chaos:<run>:<scenario>:s<staff>:<n>`: one per write, so the store can be searched for each. */
export const MARKER = /chaos:[A-Za-z0-9]+:[a-z-]+:s\d+:\d+/;

export const commitmentText = (marker: string): string =>
  `Mali undertook to adopt the draft law on gender-based violence (${marker}).`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RETRIES = 4;
const retriable = (status: number): boolean => status >= 500 || status === 409 || status === 429;

interface Answer {
  readonly status: number;
  readonly etag: string | null;
}

/**
 * Simulated secretariat staff: each records assessments of its own commitment and recommendation, revises
 * its commitment's text (If-Match) and reads the tracker, one operation at a time with a short pause.
 * A write that fails (connection refused, 5xx) is retried like a careful client would: the same POST
 * with the same Idempotency-Key, the same PATCH with the same If-Match.
 */
export class StaffLoad {
  private running = false;
  private loops: Promise<void>[] = [];
  private figures: LoadFigures = this.empty();

  constructor(
    private readonly gatewayUrl: () => string,
    private readonly token: (staff: number) => string,
    private readonly staff: readonly StaffItems[],
    private readonly runId: string,
    private readonly assessedOn: string,
  ) {}

  private empty(): LoadFigures {
    return { acked: [], refused: [], unacknowledged: 0, reads: 0, readsFailed: 0 };
  }

  start(scenario: string): void {
    this.running = true;
    this.figures = this.empty();
    this.loops = this.staff.map((items, i) => this.loop(scenario, i, items));
  }

  /** Stops after the operations in flight and returns what was acknowledged since start(). */
  async stop(): Promise<LoadFigures> {
    this.running = false;
    await Promise.all(this.loops);
    return this.figures;
  }

  private async request(
    staff: number,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    try {
      const res = await fetch(`${this.gatewayUrl()}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.token(staff)}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      return { status: res.status, etag: res.headers.get('etag') };
    } catch {
      return { status: 0, etag: null };
    }
  }

  private async loop(scenario: string, i: number, items: StaffItems): Promise<void> {
    let version: number | null = null;
    for (let n = 1; this.running; n++) {
      const marker = `chaos:${this.runId}:${scenario}:s${i}:${n}`;
      const r = Math.random();
      if (r < 0.45) await this.assess(i, items, marker);
      else if (r < 0.7) version = await this.revise(i, items, marker, version);
      else {
        const { status } = await this.request(i, 'GET', '/api/tracker?limit=20');
        this.figures.reads++;
        if (status !== 200) this.figures.readsFailed++;
      }
      await sleep(100 + Math.random() * 100);
    }
  }

  private async assess(i: number, items: StaffItems, marker: string): Promise<void> {
    const onCommitment = Math.random() < 0.5;
    const target = onCommitment
      ? { kind: 'commitment', id: items.commitmentId }
      : { kind: 'recommendation', id: items.recommendationId };
    const body = {
      target,
      status: ASSESSMENT_STATUSES[Math.floor(Math.random() * ASSESSMENT_STATUSES.length)],
      assessedOn: this.assessedOn,
      evidence: [],
      note: marker,
    };
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      const { status } = await this.request(i, 'POST', '/api/assessments', body, {
        'Idempotency-Key': marker,
      });
      if (status >= 200 && status < 300) {
        this.figures.acked.push({ kind: 'assessment', marker, itemId: target.id });
        return;
      }
      if (status !== 0 && !retriable(status)) {
        this.figures.refused.push(`${status} POST /api/assessments ${marker}`);
        return;
      }
      await sleep(500 * (attempt + 1));
    }
    this.figures.unacknowledged++;
  }

  /** Returns the commitment's version after the PATCH, or null when unknown (read it again next time). */
  private async revise(
    i: number,
    items: StaffItems,
    marker: string,
    known: number | null,
  ): Promise<number | null> {
    let version = known;
    if (version === null) {
      const { status, etag } = await this.request(i, 'GET', `/api/commitments/${items.commitmentId}`);
      if (status !== 200 || !etag) return null;
      version = Number(/\d+/.exec(etag)?.[0]);
    }
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      const { status, etag } = await this.request(
        i,
        'PATCH',
        `/api/commitments/${items.commitmentId}`,
        { text: commitmentText(marker) },
        { 'If-Match': `"${version}"` },
      );
      if (status >= 200 && status < 300) {
        this.figures.acked.push({ kind: 'revision', marker, itemId: items.commitmentId });
        return etag ? Number(/\d+/.exec(etag)?.[0]) : null;
      }
      // 412: someone (a lapse, or this PATCH's own first attempt whose answer was lost) moved it on.
      if (status === 412) break;
      if (status !== 0 && !retriable(status)) {
        this.figures.refused.push(`${status} PATCH /api/commitments ${marker}`);
        return null;
      }
      await sleep(500 * (attempt + 1));
    }
    this.figures.unacknowledged++;
    return null;
  }
}
