import { Body, Controller, Get, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '@tracker/auth';
import {
  AssessmentHistoryBody,
  AssessmentHistoryQuery as HistoryParams,
  RecordAssessmentRequest,
  RecordAssessmentResult,
} from '@tracker/contracts';
import {
  ApiReturns,
  Ctx,
  type RequestContext,
  setVersionHeaders,
  ZodValidationPipe,
} from '@tracker/platform';
import { AssessmentHistoryQuery } from '../../application/queries/assessment-history.query';
import { RecordAssessmentCommand } from '../../application/record-assessment/record-assessment.command';
import { Problems, schemaOf } from './openapi';

const historyUrl = (kind: string, id: string): string => `/api/assessments?targetKind=${kind}&targetId=${id}`;

@ApiTags('assessments')
@ApiBearerAuth()
@Controller('api/assessments')
export class AssessmentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('secretariat', 'focal-point')
  @ApiOperation({
    summary: 'Record an assessment of a recommendation or a commitment (never overwrites: the history grows)',
    description:
      'admin, secretariat: any item; focal-point: only commitments of its own institution. The assessor is ' +
      'the caller; `assessedOn` may be in the past (back-dated), not in the future. Recording exactly the ' +
      'same assessment again is a no-op (200).',
  })
  @ApiBody({ schema: schemaOf(RecordAssessmentRequest) })
  @ApiReturns(201, RecordAssessmentResult, 'recorded; ETag = version of the item’s history', {
    headers: ['ETag', 'Location'],
  })
  @ApiReturns(200, RecordAssessmentResult, 'the same assessment was recorded before: nothing changed', {
    headers: ['ETag', 'Location'],
  })
  @Problems(400, 401, 403, 404, 422)
  async record(
    @Body(new ZodValidationPipe(RecordAssessmentRequest)) body: RecordAssessmentRequest,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecordAssessmentResult> {
    const result = await this.commands.execute(
      new RecordAssessmentCommand(body.target, body.status, body.assessedOn, body.evidence, body.note, ctx),
    );
    res.status(result.recorded ? HttpStatus.CREATED : HttpStatus.OK);
    setVersionHeaders(res, result.version, historyUrl(body.target.kind, body.target.id));
    return result;
  }

  @Get()
  @Roles('secretariat', 'focal-point', 'auditor', 'viewer')
  @ApiOperation({ summary: 'The assessment history of one item, newest first' })
  @ApiReturns(200, AssessmentHistoryBody, 'the history, newest first; ETag = its version', {
    headers: ['ETag'],
  })
  @Problems(400, 401, 404)
  async history(
    @Query(new ZodValidationPipe(HistoryParams, 'query string')) query: HistoryParams,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AssessmentHistoryBody> {
    const history = await this.queries.execute(
      new AssessmentHistoryQuery({ kind: query.targetKind, id: query.targetId }, ctx.principal),
    );
    setVersionHeaders(res, history.version);
    return history;
  }
}
