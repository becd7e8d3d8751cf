import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Roles } from '@tracker/auth';
import {
  DashboardBody,
  TrackerExportQuery,
  TrackerItemBody,
  TrackerPageBody,
  TrackerQuery,
} from '@tracker/contracts';
import {
  ApiReturns,
  Ctx,
  type RequestContext,
  writeTable,
  XLSX_CONTENT_TYPE,
  ZodValidationPipe,
} from '@tracker/platform';
import { exportedTrackerRows, TRACKER_EXPORT_COLUMNS } from '../../application/queries/export-tracker';
import { TrackerReader } from '../../application/queries/tracker-reader';
import { DashboardQuery } from '../../application/queries/dashboard.query';
import { GetTrackerItemQuery } from '../../application/queries/get-tracker-item.query';
import { ListTrackerQuery } from '../../application/queries/list-tracker.query';
import { Problems } from './openapi';

const ItemId = z.uuid({ message: 'must be a UUID' });
const READERS = ['secretariat', 'focal-point', 'auditor', 'viewer'] as const;
/** The export's bodies: files, described as such (no JSON schema checks them). */
const CSV_FILE = z.string().meta({ description: 'UTF-8 CSV (with a byte-order mark) with a header row' });
const XLSX_FILE = z.string().meta({ format: 'binary', description: 'an XLSX workbook' });

@ApiTags('tracker')
@ApiBearerAuth()
@Controller('api')
export class TrackerController {
  constructor(
    private readonly queries: QueryBus,
    private readonly reader: TrackerReader,
  ) {}

  @Get('tracker')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Tracked items (recommendations and commitments) with their links and latest assessment',
    description:
      'Filters: kind, theme, status (latest assessment, or `none`), cluster, overdue (judged now), hasAssessment, ' +
      'stale, mechanism, entity (recommending state or body), institution, q (words of the text or citation); ' +
      'cursor pagination. Viewers see published recommendations only. Items come in a fixed order (a hash ' +
      'of the item id), so a cursor stays valid while items change. With several filters a page may hold ' +
      'fewer than `limit` items (even none) and still a `nextCursor`: each request reads a bounded part ' +
      'of the list; the list ends when `nextCursor` is null.',
  })
  @ApiReturns(200, TrackerPageBody, 'a page of tracked items')
  @Problems(400, 401)
  list(
    @Query(new ZodValidationPipe(TrackerQuery, 'query string')) query: TrackerQuery,
    @Ctx() ctx: RequestContext,
  ): Promise<TrackerPageBody> {
    return this.queries.execute(new ListTrackerQuery(query, ctx.principal));
  }

  @Get('tracker/export')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Export the filtered tracker as CSV or XLSX (the filters of GET /api/tracker, every page)',
  })
  @ApiReturns(200, CSV_FILE, 'the CSV, streamed', { contentType: 'text/csv' })
  @ApiReturns(200, XLSX_FILE, 'an XLSX workbook, streamed', { contentType: XLSX_CONTENT_TYPE })
  @Problems(400, 401)
  async export(
    @Query(new ZodValidationPipe(TrackerExportQuery, 'query string')) query: TrackerExportQuery,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ): Promise<void> {
    const { format, ...filter } = query;
    const stamp = new Date().toISOString().slice(0, 10);
    res.setHeader('Content-Type', format === 'xlsx' ? XLSX_CONTENT_TYPE : 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="tracker-${stamp}.${format}"`);
    const rows = exportedTrackerRows(this.reader, filter, ctx.principal, new Date());
    await writeTable(res, format, 'Tracker', TRACKER_EXPORT_COLUMNS, rows);
  }

  @Get('tracker/items/:id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One tracked item, by the recommendation or commitment id' })
  @ApiReturns(200, TrackerItemBody, 'the item')
  @Problems(400, 401, 404)
  get(
    @Param('id', new ZodValidationPipe(ItemId, 'tracker item id')) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<TrackerItemBody> {
    return this.queries.execute(new GetTrackerItemQuery(id, ctx.principal));
  }

  @Get('dashboard')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Counts by assessment status × theme, overdue commitments (as of now), items with no assessment',
    description:
      'Counts are kept by the tracker projection (a moment behind the latest write). `unassessed` gives the ' +
      'total and the first 50 items never assessed; `unassessed.nextCursor` continues them with ' +
      '`GET /api/tracker?status=none&cursor=…`.',
  })
  @ApiReturns(200, DashboardBody, 'the dashboard')
  @Problems(401)
  dashboard(@Ctx() ctx: RequestContext): Promise<DashboardBody> {
    return this.queries.execute(new DashboardQuery(ctx.principal));
  }
}
