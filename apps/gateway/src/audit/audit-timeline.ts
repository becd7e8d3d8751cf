import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Principal } from '@tracker/auth';
import { idFromStreamId } from '@tracker/contracts';
import { CORRELATION_HEADER, problem, sendProblem } from '@tracker/platform';
import type { Timeline } from '../../../../libs/contracts/src/audit-timeline';
import { langOf, renderEntry, type Lang, type TimelineEvent } from './timeline-render';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Related items (e.g. the commitments that link a recommendation) followed from the item itself. */
const MAX_RELATED = 25;
const MAX_PAGES = 50;
/** Related items whose histories are fetched at once (each asks every service). */
const RELATED_CONCURRENCY = 4;

export interface TimelineDeps {
  readonly upstreams: readonly { service: string; upstream: string }[];
  readonly timeoutMs: number;
  readonly logger: Logger;
}

class UpstreamError extends Error {
  constructor(
    readonly service: string,
    readonly status: number | null,
  ) {
    super(`${service} audit API answered ${status ?? 'nothing'}`);
  }
}

/**
 * GET /api/audit/timeline?item=<id>: every event of every context about an item (a recommendation or a
 * commitment) and about the items directly linked to it, merged in recorded-time order and rendered in
 * en or fr. An audit read, not a business request: the gateway calls the services' audit APIs with the
 * caller's own token, so each service checks and logs the request itself (ADR 0007).
 */
export const auditTimeline = (deps: TimelineDeps) => {
  const eventsMentioning = async (
    target: { service: string; upstream: string },
    id: string,
    headers: Record<string, string>,
  ): Promise<TimelineEvent[]> => {
    const out: TimelineEvent[] = [];
    let after: number | null = null;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const url = new URL('/api/audit/events', target.upstream);
      url.searchParams.set('mentions', id);
      url.searchParams.set('limit', '1000');
      if (after !== null) url.searchParams.set('after', String(after));
      let res: globalThis.Response;
      try {
        res = await fetch(url, { headers, signal: AbortSignal.timeout(deps.timeoutMs) });
      } catch {
        throw new UpstreamError(target.service, null);
      }
      if (!res.ok) throw new UpstreamError(target.service, res.status);
      const body = (await res.json()) as { events: Omit<TimelineEvent, 'service'>[]; next: number | null };
      out.push(...body.events.map((e) => ({ ...e, service: target.service })));
      if (body.next === null) break;
      after = body.next;
    }
    return out;
  };

  const build = async (item: string, lang: Lang, headers: Record<string, string>): Promise<Timeline> => {
    const seen = new Map<string, TimelineEvent>();
    const queried = new Set<string>();
    const collect = async (id: string): Promise<void> => {
      queried.add(id);
      const all = await Promise.all(deps.upstreams.map((u) => eventsMentioning(u, id, headers)));
      for (const e of all.flat()) seen.set(`${e.service}:${e.eventId}`, e);
    };
    await collect(item);
    // One hop: commitments linking a recommendation (and their assessments), or the recommendations a
    // commitment links. Assessment streams are followed through their target, not by their own id.
    const related = new Set<string>();
    for (const e of seen.values()) {
      const id = idFromStreamId(e.streamId);
      if (id !== item && UUID.test(id) && !e.streamId.startsWith('assessment-')) related.add(id);
      const data = e.data as Record<string, unknown> | null;
      for (const linked of Array.isArray(data?.linkedRecommendationIds) ? data.linkedRecommendationIds : [])
        if (typeof linked === 'string' && linked !== item) related.add(linked);
    }
    // A few related items at a time: each is one indexed `mentions` query per service (ADR 0007).
    const pending = [...related].slice(0, MAX_RELATED).filter((id) => !queried.has(id));
    const worker = async (): Promise<void> => {
      for (let id = pending.shift(); id !== undefined; id = pending.shift()) await collect(id);
    };
    await Promise.all(Array.from({ length: RELATED_CONCURRENCY }, worker));
    const events = [...seen.values()].sort(
      (a, b) =>
        a.metadata.recordedAt.localeCompare(b.metadata.recordedAt) ||
        a.service.localeCompare(b.service) ||
        (a.position ?? 0) - (b.position ?? 0),
    );
    return { item, lang, related: [...related], entries: events.map((e) => renderEntry(e, lang)) };
  };

  return async (
    req: Request,
    res: Response,
    ctx: { principal: Principal; correlationId: string },
  ): Promise<void> => {
    const item = typeof req.query.item === 'string' ? req.query.item : '';
    if (!UUID.test(item))
      return sendProblem(
        res,
        req,
        problem(400, 'validation-failed', 'item must be the UUID of a recommendation or commitment'),
      );
    const lang = langOf(
      req.headers['accept-language'],
      typeof req.query.lang === 'string' ? req.query.lang : undefined,
    );
    deps.logger.info(
      {
        audit: {
          service: 'gateway',
          actor: ctx.principal.subject,
          role: ctx.principal.role,
          method: req.method,
          path: req.originalUrl,
          correlationId: ctx.correlationId,
        },
      },
      'audit request',
    );
    const headers: Record<string, string> = {
      authorization: req.headers.authorization ?? '',
      [CORRELATION_HEADER]: ctx.correlationId,
      accept: 'application/json',
    };
    try {
      const timeline = await build(item, lang, headers);
      const text = req.query.format === 'text' || (req.headers.accept ?? '').startsWith('text/plain');
      res.setHeader('Content-Language', lang);
      if (text) {
        const lines = timeline.entries.flatMap((e) => [e.text, ...e.details.map((d) => `    ${d}`)]);
        res
          .status(200)
          .type('text/plain; charset=utf-8')
          .send(`${lines.join('\n')}\n`);
        return;
      }
      res.status(200).json(timeline);
    } catch (err) {
      if (err instanceof UpstreamError) {
        const status = err.status === 401 || err.status === 403 ? err.status : 503;
        return sendProblem(
          res,
          req,
          problem(status, status === 503 ? 'service-unavailable' : 'forbidden', err.message),
        );
      }
      deps.logger.error({ err }, 'audit timeline failed');
      sendProblem(res, req, problem(500, 'internal', 'an unexpected error occurred; it has been logged'));
    }
  };
};
