import http from 'node:http';
import type { FuzzRequest } from './openapi-requests';

export interface FuzzResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Sends a request exactly as generated (no client-side normalisation of the path or headers, unlike
 * supertest) and reads the whole answer. A transport error rejects: a server that drops a connection
 * instead of answering is a finding too.
 */
export const send = (
  baseUrl: string,
  req: FuzzRequest,
  agent: http.Agent,
  timeoutMs = 30_000,
): Promise<FuzzResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    const out = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers,
        agent,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    out.on('timeout', () => out.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    out.on('error', reject);
    out.end(req.body);
  });

/**
 * Why an answer breaks the contract, or null: no 5xx ever; every 4xx is `application/problem+json`
 * with an RFC 9457 body whose `type` is a URI reference, `title` a string and `status` the HTTP status.
 */
export const contractViolation = (res: FuzzResponse): string | null => {
  if (res.status >= 500) return `server error ${res.status}`;
  if (res.status < 400) return null;
  if (!/^application\/problem\+json(;|$)/.test(res.contentType))
    return `${res.status} with content-type "${res.contentType}" instead of application/problem+json`;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return `${res.status} problem+json body is not JSON`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return `${res.status} problem is not an object`;
  const p = body as Record<string, unknown>;
  if (typeof p.type !== 'string' || p.type.length === 0) return `${res.status} problem has no type`;
  try {
    new URL(p.type, 'https://relative.invalid/');
  } catch {
    return `${res.status} problem type "${p.type}" is not a URI reference`;
  }
  if (typeof p.title !== 'string' || p.title.length === 0) return `${res.status} problem has no title`;
  if (p.status !== res.status)
    return `problem status ${String(p.status)} differs from HTTP status ${res.status}`;
  if (p.detail !== undefined && typeof p.detail !== 'string')
    return `${res.status} problem detail is not a string`;
  if (p.instance !== undefined && typeof p.instance !== 'string')
    return `${res.status} problem instance is not a string`;
  return null;
};
