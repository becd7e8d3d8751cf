import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver got it. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`; subscriptions add a path to tell their deliveries apart. */
  readonly url: string;
  /** Requests answered 204, in arrival order. */
  readonly received: ReceivedRequest[];
  /** Answer the next `count` requests to `path` with 503 (a receiver that is down for a while). */
  readonly failures: Map<string, number>;
  close(): Promise<void>;
}

/** A local webhook receiver on a free port that records what it accepts. */
export const startWebhookReceiver = async (): Promise<WebhookReceiver> => {
  const received: ReceivedRequest[] = [];
  const failures = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const left = failures.get(path) ?? 0;
      if (left > 0) {
        failures.set(path, left - 1);
        res.statusCode = 503;
      } else {
        received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.statusCode = 204;
      }
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    failures,
    close: () =>
      new Promise<void>((r) => {
        // Keep-alive connections of the webhook sender would hold close() open otherwise.
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};
