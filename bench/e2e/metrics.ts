/** A service's Prometheus text (`GET /metrics`) summed by metric name, labels ignored. */
export const scrapeSums = async (serviceUrl: string): Promise<Map<string, number>> => {
  const out = new Map<string, number>();
  try {
    const res = await fetch(`${serviceUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    for (const line of (await res.text()).split('\n')) {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
      if (!m) continue;
      const v = Number(m[2]);
      if (Number.isFinite(v)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + v);
    }
  } catch {
    // a service too busy to answer: no reading this time
  }
  return out;
};

/** One metric's series by their label set (`{command="find"}`), as a service's /metrics shows them now. */
export const scrapeSeries = async (serviceUrl: string, metric: string): Promise<Map<string, number>> => {
  const out = new Map<string, number>();
  try {
    const res = await fetch(`${serviceUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    for (const line of (await res.text()).split('\n')) {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
      if (m?.[1] !== metric) continue;
      const v = Number(m[3]);
      if (Number.isFinite(v)) out.set(m[2] ?? '', v);
    }
  } catch {
    // a service too busy to answer: no reading this time
  }
  return out;
};

/** Events committed but not yet published, plus events published but not yet in a read model. */
export const backlogOf = (sums: Map<string, number>): number =>
  (sums.get('tracker_outbox_lag_events') ?? 0) + (sums.get('tracker_projection_lag_events') ?? 0);

export const HANDLED = 'tracker_projection_events_total';
