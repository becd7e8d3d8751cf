import { pipeline } from 'node:stream/promises';
import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { CurrentPrincipal, Roles, type Principal } from '@tracker/auth';
import { type AnswerOf, ApiReturns } from '@tracker/contracts';
import { UUID_SHAPE } from '../commit-document';
import {
  AuditEventPageBody,
  AuditIndexBody,
  AuditProjectionRowBody,
  AuditStreamBody,
  AuditVerifyBody,
  NdjsonLines,
  RebuildJobBody,
} from './audit.responses';
import { AuditService } from './audit.service';
import { TimeRangeTooWideError } from './event-history';
import { RebuildRunningError, RebuildUnavailableError, type RebuildJob } from './rebuild-jobs';
import type { VerifyReport } from './chain-verifier';

const NDJSON = 'application/x-ndjson';

const Instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => new Date(s));

const EventsQuery = z.strictObject({
  stream: z.string().min(1).max(300).optional(),
  type: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(200).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  // An id (what the timeline asks): the commits' `mentions` index answers it exactly (commit-document.ts).
  mentions: z.string().regex(UUID_SHAPE, 'must be an id (a UUID)').optional(),
  format: z.enum(['json', 'ndjson']).optional(),
});
const AsOfQuery = z.strictObject({
  asOf: Instant.optional(),
  axis: z.enum(['recorded', 'occurred']).default('recorded'),
});
const RowAsOfQuery = z.strictObject({ asOf: Instant.optional() });
const VerifyQuery = z.strictObject({
  stream: z.string().min(1).max(300).optional(),
  format: z.enum(['json', 'ndjson']).optional(),
});
const RebuildQuery = z.strictObject({ mode: z.enum(['swap', 'check']).default('swap') });
const PathSegment = z.string().min(1).max(300);

const parse = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> => {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const why = r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ');
  throw new BadRequestException(`${what} is invalid: ${why}`);
};

/**
 * Audit answers are sent as they are: written straight to the response, so no global interceptor (such as
 * the EN/FR labels) adds fields to evidence that must match the store byte for byte.
 */
const send = <S extends z.ZodType>(res: Response, _schema: S, body: AnswerOf<S>, status = 200): void => {
  res.status(status).type('application/json').send(JSON.stringify(body));
};

const wantsNdjson = (req: Request, format: string | undefined): boolean =>
  format === 'ndjson' || (format === undefined && (req.headers.accept ?? '').includes(NDJSON));

/**
 * The audit API of one service (mounted by ServiceCoreModule in every event-sourced service; the gateway
 * exposes it as /api/audit/<service>/...). Auditors and admins only.
 */
@Controller('api/audit')
@Roles('auditor')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiReturns(200, AuditIndexBody, 'what the service keeps: aggregates and read models')
  index(@Res() res: Response): void {
    const { service, aggregates, projections, commits } = this.audit.options;
    send(res, AuditIndexBody, {
      service,
      eventStore: commits !== null,
      aggregates: aggregates.map((a) => a.name),
      projections: projections.map((p) => ({ name: p.projection.name, source: p.source })),
    });
  }

  @Get('events')
  @ApiReturns(200, AuditEventPageBody, 'a page of events in position order')
  @ApiReturns(
    200,
    NdjsonLines,
    'with format=ndjson or Accept: application/x-ndjson: every event, one a line',
    { contentType: NDJSON },
  )
  async events(@Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const q = parse(EventsQuery, query, 'query');
    const { limit, format, ...filter } = q;
    const history = this.audit.history;
    if (!history) throw new NotFoundException(`${this.audit.options.service} has no event store`);
    try {
      if (wantsNdjson(req, format)) {
        const lines = await history.ndjson(filter);
        res.status(200).type(NDJSON).setHeader('Cache-Control', 'no-store');
        await pipeline(lines, res).catch(() => undefined);
        return;
      }
      send(res, AuditEventPageBody, {
        service: this.audit.options.service,
        ...(await history.page(filter, limit)),
      });
    } catch (err) {
      if (err instanceof TimeRangeTooWideError) throw new BadRequestException(err.message);
      throw err;
    }
  }

  @Get('streams/:streamId')
  @ApiReturns(200, AuditStreamBody, 'the stream folded as of the date asked (now by default)')
  async stream(
    @Param('streamId') streamId: string,
    @Query() query: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const id = parse(PathSegment, streamId, 'stream id');
    const q = parse(AsOfQuery, query, 'query');
    if (!this.audit.streams) throw new NotFoundException(`${this.audit.options.service} has no event store`);
    const found = await this.audit.streams.asOf(id, q.asOf ?? null, q.axis);
    if (!found) throw new NotFoundException(`stream ${id} was not found`);
    send(res, AuditStreamBody, { service: this.audit.options.service, ...found });
  }

  @Get('projections/:projection/:id')
  @ApiReturns(200, AuditProjectionRowBody, 'the read-model row as of the date asked (now by default)')
  async projectionRow(
    @Param('projection') projection: string,
    @Param('id') id: string,
    @Query() query: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const q = parse(RowAsOfQuery, query, 'query');
    const audited = this.audit.options.projections.find((p) => p.projection.name === projection);
    if (!audited) throw new NotFoundException(`read model ${projection} was not found`);
    const row = await this.audit.projectionsAsOf.row(
      audited,
      parse(PathSegment, id, 'row id'),
      q.asOf ?? null,
    );
    send(res, AuditProjectionRowBody, { service: this.audit.options.service, ...row });
  }

  @Get('verify')
  @ApiReturns(200, AuditVerifyBody, 'the hash chain checked: breaks, if any')
  @ApiReturns(200, NdjsonLines, 'with format=ndjson: progress lines, then the result line', {
    contentType: NDJSON,
  })
  async verify(@Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const q = parse(VerifyQuery, query, 'query');
    const { service } = this.audit.options;
    const verifier = this.audit.verifier;
    const options = q.stream ? { streamId: q.stream } : {};
    const empty: VerifyReport = { streams: 0, events: 0, breaks: [], ok: true };
    if (!wantsNdjson(req, q.format)) {
      send(res, AuditVerifyBody, { service, ...(verifier ? await verifier.verify(options) : empty) });
      return;
    }
    // Progress lines while the chain is walked, then the report: a long verification never looks hung.
    res.status(200).type(NDJSON).setHeader('Cache-Control', 'no-store');
    res.flushHeaders();
    try {
      const report = verifier
        ? await verifier.verify(options, (progress) => void res.write(`${JSON.stringify({ progress })}\n`))
        : empty;
      res.end(`${JSON.stringify({ result: { service, ...report } })}\n`);
    } catch (err) {
      res.end(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
    }
  }

  @Post('rebuild/:projection')
  @ApiReturns(202, RebuildJobBody, 'the rebuild is queued; Location = its progress', {
    headers: ['Location'],
  })
  rebuild(
    @Param('projection') projection: string,
    @Query() query: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): void {
    const q = parse(RebuildQuery, query, 'query');
    let job: RebuildJob;
    try {
      job = this.audit.rebuilds.start(
        parse(PathSegment, projection, 'read model'),
        q.mode,
        principal.subject,
      );
    } catch (err) {
      if (err instanceof RebuildUnavailableError) throw new NotFoundException(err.message);
      if (err instanceof RebuildRunningError) throw new ConflictException(err.message);
      throw err;
    }
    res.setHeader('Location', `/api/audit/rebuild/${job.jobId}`);
    send(res, RebuildJobBody, job, 202);
  }

  @Get('rebuild/:jobId')
  @ApiReturns(200, RebuildJobBody, 'how far the rebuild got')
  async rebuildProgress(@Param('jobId') jobId: string, @Res() res: Response): Promise<void> {
    const job = await this.audit.rebuilds.get(parse(PathSegment, jobId, 'job id'));
    if (!job) throw new NotFoundException(`rebuild job ${jobId} was not found`);
    send(res, RebuildJobBody, job);
  }
}
