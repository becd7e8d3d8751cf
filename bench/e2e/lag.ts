/**
 * Read-your-write lag, sampled: for one successful write in `every`, poll the tracker row
 * (`GET /api/tracker/items/{id}`) until it shows the change, and record the time from the write's 2xx to
 * the first read that shows it. The poll interval bounds the resolution (a lag reads up to one interval
 * high): `intervalMs` at first, then a tenth of the time waited so far, at most 1 s — dozens of samples
 * polling every 20 ms for seconds would load the read side they measure. A sample still unseen after
 * `timeoutMs` is counted as timed out, with a lag of `timeoutMs`.
 */
export interface TrackerRowView {
  readonly latestAssessment: { readonly sequence: number } | null;
  readonly commitment: { readonly dueDate: string; readonly text: string } | null;
}

export type RowCheck = (row: TrackerRowView) => boolean;

export interface LagStats {
  readonly lagsMs: number[];
  timedOut: number;
  skipped: number;
  pollErrors: number;
}

export const newLagStats = (): LagStats => ({ lagsMs: [], timedOut: 0, skipped: 0, pollErrors: 0 });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class LagSampler {
  private writes = 0;
  private readonly outstanding = new Set<Promise<void>>();
  stats: LagStats = newLagStats();

  constructor(
    private readonly gatewayUrl: string,
    private readonly token: string,
    private readonly every = 20,
    private readonly intervalMs = 20,
    readonly timeoutMs = 30_000,
    private readonly maxOutstanding = 64,
  ) {}

  /** Called for every successful write; samples one in `every`. */
  offer(itemId: string, check: RowCheck, ackedAt: number, expected = ''): void {
    this.writes += 1;
    if (this.writes % this.every !== 0) return;
    if (this.outstanding.size >= this.maxOutstanding) {
      this.stats.skipped += 1;
      return;
    }
    const stats = this.stats;
    const p = this.poll(itemId, check, ackedAt, stats, expected).finally(() => this.outstanding.delete(p));
    this.outstanding.add(p);
  }

  /** Waits for the samples in flight (each ends by itself within timeoutMs). */
  async drain(): Promise<void> {
    while (this.outstanding.size > 0) await Promise.all([...this.outstanding]);
  }

  private async poll(
    itemId: string,
    check: RowCheck,
    ackedAt: number,
    stats: LagStats,
    expected: string,
  ): Promise<void> {
    let last: TrackerRowView | null = null;
    for (;;) {
      try {
        const res = await fetch(`${this.gatewayUrl}/api/tracker/items/${itemId}`, {
          headers: { authorization: `Bearer ${this.token}` },
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (res.status === 200) {
          const row = (await res.json()) as TrackerRowView;
          last = row;
          if (check(row)) {
            stats.lagsMs.push(performance.now() - ackedAt);
            return;
          }
        } else {
          await res.arrayBuffer();
          stats.pollErrors += 1;
        }
      } catch {
        stats.pollErrors += 1;
      }
      if (performance.now() - ackedAt > this.timeoutMs) {
        // Counted in the percentiles at the timeout: a p99 that lands on one is a lower bound.
        stats.lagsMs.push(this.timeoutMs);
        stats.timedOut += 1;
        if (stats.timedOut === 1)
          process.stderr.write(
            `[bench e2e] first unseen write: item ${itemId}, expected ${expected}, row shows ${JSON.stringify(
              {
                sequence: last?.latestAssessment?.sequence,
                dueDate: last?.commitment?.dueDate,
                text: last?.commitment?.text.slice(0, 20),
              },
            )}\n`,
          );
        return;
      }
      await sleep(Math.min(1_000, Math.max(this.intervalMs, (performance.now() - ackedAt) / 10)));
    }
  }
}
