import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Roles } from '@tracker/auth';
import { DashboardBody, TrackerItemBody, TrackerPageBody, TrackerQuery } from '@tracker/contracts';
import { ApiReturns, Ctx, type RequestContext, ZodValidationPipe } from '@tracker/platform';
import { DashboardQuery } from '../../application/queries/dashboard.query';
import { GetTrackerItemQuery } from '../../application/queries/get-tracker-item.query';
import { ListTrackerQuery } from '../../application/queries/list-tracker.query';
import { Problems } from './openapi';

const ItemId = z.uuid({ message: 'must be a UUID' });
const READERS = ['secretariat', 'focal-point', 'auditor', 'viewer'] as const;

@ApiTags('tracker')
@ApiBearerAuth()
@Controller('api')
export class TrackerController {
  constructor(private readonly queries: QueryBus) {}

  @Get('tracker')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Tracked items (recommendations and commitments) with their links and latest assessment',
    description:
      'Filters: kind, theme, status (latest assessment, or `none`), cluster, overdue (judged now), hasAssessment; ' +
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
