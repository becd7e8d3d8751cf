import { randomUUID } from 'node:crypto';
/** What a seed module gets: the gateway, already authenticated. */
export interface SeedResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface SeedClient {
  readonly baseUrl: string;
  request(method: string, path: string, body?: unknown): Promise<SeedResponse>;
  log(message: string): void;
}

/** What each context's seed reports; the runner prints one line per context. */
export interface Summary {
  readonly context: string;
  readonly read: number;
  readonly created: number;
  readonly unchanged: number;
  readonly failed: number;
}

export const httpSeedClient = (baseUrl: string, token: string, log: (m: string) => void): SeedClient => ({
  baseUrl,
  log,
  request: async (method, path, body) => {
    // Transient answers (a service restarting or busy) are retried; the Idempotency-Key makes a retried
    // POST that did land the first time a replay, not a second write.
    const idempotencyKey = randomUUID();
    for (let attempt = 1; ; attempt += 1) {
      let res: Response | null = null;
      try {
        res = await fetch(new URL(path, baseUrl), {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(method === 'POST' ? { 'idempotency-key': idempotencyKey } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (err) {
        if (attempt >= 5) throw err;
      }
      if (res && (![502, 503, 504].includes(res.status) || attempt >= 5)) {
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          // not JSON: keep the text
        }
        return { status: res.status, body: parsed };
      }
      log(`  ${method} ${path}: ${res ? `HTTP ${res.status}` : 'no answer'}, retrying (${attempt}/5)...`);
      await new Promise((r) => setTimeout(r, 1_000 * attempt));
    }
  },
});

/** Runs `task` over `items` with at most `limit` in flight, keeping order of results. */
export const mapLimit = async <T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next;
      next += 1;
      out[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};
