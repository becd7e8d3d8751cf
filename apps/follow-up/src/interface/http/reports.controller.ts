import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '@tracker/auth';
import {
  ImplementationReportBody,
  ImplementationReportQuery,
  negotiateLanguage,
  REPORT_DOCX,
  REPORT_MARKDOWN,
  REPORT_MEDIA_TYPES,
} from '@tracker/contracts';
import { ApiReturns, badRequest, Ctx, type RequestContext, ZodValidationPipe } from '@tracker/platform';
import { BuildImplementationReport } from '../../application/implementation-report/implementation-report.query';
import { reportDocx } from './report-docx';
import { reportMarkdown } from './report-markdown';
import { Problems } from './openapi';

const READERS = ['secretariat', 'focal-point', 'auditor', 'viewer'] as const;

/** Today's date (UTC), the default reporting date. */
const today = (now: Date): string => now.toISOString().slice(0, 10);

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('implementation')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Implementation report: recommendations by cluster with their commitments and latest assessment',
    description:
      'For each cluster (titled), its recommendations (text, recommending States or body, document and ' +
      'paragraph, position), their linked commitments (institutions, due date and whether it is sourced or ' +
      'a secretariat target, overdue since) and the latest assessment as of `asOf` (status, date, note, ' +
      'evidence), with a summary (by status, by theme, overdue). Built from the event history: the events ' +
      'recorded up to `recordedUntil` (default: now), of which assessments count from their `assessedOn` ' +
      'and commitment changes from when they occurred, up to `asOf` (default: today). `builtFrom` states ' +
      'the cut and the store positions; the same `asOf` and `recordedUntil` give the same report. Labels, ' +
      'headings and statuses in `lang` (default: Accept-Language); texts in that language where the data ' +
      'has them, otherwise in their own language, marked. `Accept` picks Word (.docx), `text/markdown` or ' +
      'JSON (any other Accept gets JSON). Viewers see published recommendations only.',
  })
  @ApiReturns(200, ImplementationReportBody, 'the report as data')
  @ApiReturns(200, REPORT_MARKDOWN, 'the report in markdown', { contentType: REPORT_MEDIA_TYPES.markdown })
  @ApiReturns(200, REPORT_DOCX, 'the report as a Word document', { contentType: REPORT_MEDIA_TYPES.docx })
  @Problems(400, 401)
  async implementation(
    @Query(new ZodValidationPipe(ImplementationReportQuery, 'query string')) query: ImplementationReportQuery,
    @Ctx() ctx: RequestContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const now = new Date();
    const asOf = query.asOf ?? today(now);
    if (asOf > today(now))
      throw badRequest('validation-failed', 'asOf must not be after today', [
        { path: 'asOf', message: 'must not be after today' },
      ]);
    const recordedUntil = query.recordedUntil ? new Date(query.recordedUntil) : now;
    if (recordedUntil.getTime() > now.getTime())
      throw badRequest('validation-failed', 'recordedUntil must not be in the future', [
        { path: 'recordedUntil', message: 'must not be in the future' },
      ]);
    const lang = query.lang ?? negotiateLanguage(req.headers['accept-language']);
    const report = await this.queries.execute(
      new BuildImplementationReport({
        asOf,
        recordedUntil,
        mechanism: query.mechanism ?? null,
        cluster: query.cluster ?? null,
        institution: query.institution ?? null,
        lang,
        publishedOnly: ctx.principal.role === 'viewer',
      }),
    );
    const type = req.accepts([REPORT_MEDIA_TYPES.json, REPORT_MEDIA_TYPES.markdown, REPORT_MEDIA_TYPES.docx]);
    const name = `implementation-report-${asOf}-${lang}`;
    res.status(200).setHeader('Content-Language', lang);
    if (type === REPORT_MEDIA_TYPES.docx) {
      res
        .type(REPORT_MEDIA_TYPES.docx)
        .setHeader('Content-Disposition', `attachment; filename="${name}.docx"`)
        .send(await reportDocx(report));
      return;
    }
    if (type === REPORT_MEDIA_TYPES.markdown) {
      res
        .type(`${REPORT_MEDIA_TYPES.markdown}; charset=utf-8`)
        .setHeader('Content-Disposition', `inline; filename="${name}.md"`)
        .send(reportMarkdown(report));
      return;
    }
    res.type('application/json').send(JSON.stringify(report));
  }
}
