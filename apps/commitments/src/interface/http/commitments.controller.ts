import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { Response } from 'express';
import { z } from 'zod';
import { Roles } from '@tracker/auth';
import {
  CommitmentAnswerBody,
  CommitmentPageBody,
  CommitmentUpdateResult,
  CreateCommitmentRequest,
  CreateCommitmentResult,
  ExtendDueDateRequest,
  FulfilCommitmentRequest,
  ListCommitmentsQuery as ListCommitmentsFilter,
  ReviseCommitmentRequest,
  WithdrawCommitmentRequest,
} from '@tracker/contracts';
import {
  ApiReturns,
  Ctx,
  IfMatch,
  metadataFor,
  type RequestContext,
  setVersionHeaders,
  ZodValidationPipe,
  zodToOpenApi,
} from '@tracker/platform';
import {
  ChangeCommitmentCommand,
  type CommitmentChange,
} from '../../application/change-commitment/change-commitment.command';
import {
  CreateCommitmentCommand,
  createdCommitmentId,
} from '../../application/create-commitment/create-commitment.command';
import { GetCommitmentQuery } from '../../application/queries/get-commitment.query';
import { ListCommitmentsQuery } from '../../application/queries/list-commitments.query';

const IdParam = z.uuid({ message: 'must be a UUID' });
const schemaOf = (s: z.ZodType): SchemaObject => zodToOpenApi(s);

const problems = (...statuses: number[]): MethodDecorator[] =>
  statuses.map((status) => ApiResponse({ status, description: PROBLEM_TEXT[status] ?? 'problem+json' }));
const PROBLEM_TEXT: Record<number, string> = {
  400: 'invalid input (problem+json naming each field)',
  401: 'no or bad bearer token',
  403: 'role not allowed, or a focal point of another institution',
  404: 'no such commitment',
  409: 'illegal transition (e.g. a fulfilled commitment cannot be withdrawn)',
  412: 'If-Match is stale: someone changed the commitment since you read it',
  422: 'a rule is broken (e.g. due date before the date the commitment was made)',
  428: 'If-Match is required',
};
const applyAll =
  (decorators: MethodDecorator[]): MethodDecorator =>
  (target, key, descriptor) => {
    for (const d of decorators) d(target, key, descriptor);
  };

const WRITERS = ['secretariat', 'focal-point'] as const;
const READERS = ['secretariat', 'focal-point', 'auditor', 'viewer'] as const;

@ApiTags('commitments')
@ApiBearerAuth()
@Controller('api/commitments')
export class CommitmentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Record a commitment the government made',
    description:
      'admin, secretariat: any; focal-point: only with its own institution among `institutions`. ' +
      'With `externalKey` the id is derived from the key and repeating the same content is a no-op (200).',
  })
  @ApiBody({ schema: schemaOf(CreateCommitmentRequest) })
  @ApiReturns(201, CreateCommitmentResult, 'created; ETag = version, Location = the commitment', {
    headers: ['ETag', 'Location'],
  })
  @ApiReturns(200, CreateCommitmentResult, 'the same key with the same content existed: nothing changed', {
    headers: ['ETag', 'Location'],
  })
  @applyAll(problems(400, 401, 403, 409, 422))
  async create(
    @Body(new ZodValidationPipe(CreateCommitmentRequest)) body: CreateCommitmentRequest,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateCommitmentResult> {
    const id = createdCommitmentId(body.externalKey);
    const { externalKey, ...rest } = body;
    const result = await this.commands.execute(
      new CreateCommitmentCommand(id, { ...rest, externalKey: externalKey ?? null }, ctx),
    );
    res.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    setVersionHeaders(res, result.version, `/api/commitments/${id}`);
    return result;
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'List commitments by institution, status, due date and overdue (judged now), in due-date order',
  })
  @ApiReturns(200, CommitmentPageBody, 'a page of commitments, in due-date order')
  @applyAll(problems(400, 401))
  list(
    @Query(new ZodValidationPipe(ListCommitmentsFilter, 'query string')) query: ListCommitmentsFilter,
  ): Promise<CommitmentPageBody> {
    return this.queries.execute(new ListCommitmentsQuery(query));
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One commitment, current version (ETag), with overdue / overdueSince as of now' })
  @ApiReturns(200, CommitmentAnswerBody, 'the commitment; ETag = version', { headers: ['ETag'] })
  @applyAll(problems(400, 401, 404))
  async get(
    @Param('id', new ZodValidationPipe(IdParam, 'commitment id')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommitmentAnswerBody> {
    const answer = await this.queries.execute(new GetCommitmentQuery(id));
    setVersionHeaders(res, answer.version);
    return answer;
  }

  @Patch(':id')
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Revise title, text, where/when made, institutions, due-date note or linked recommendations',
  })
  @ApiBody({ schema: schemaOf(ReviseCommitmentRequest) })
  @ApiReturns(200, CommitmentUpdateResult, 'revised (or unchanged); ETag = new version', {
    headers: ['ETag'],
  })
  @applyAll(problems(400, 401, 403, 404, 409, 412, 422, 428))
  revise(
    @Param('id', new ZodValidationPipe(IdParam, 'commitment id')) id: string,
    @Body(new ZodValidationPipe(ReviseCommitmentRequest)) body: ReviseCommitmentRequest,
    @IfMatch() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommitmentUpdateResult> {
    return this.change({ type: 'revise', commitmentId: id, revision: body }, version, ctx, res);
  }

  @Post(':id/due-date-extensions')
  @HttpCode(HttpStatus.OK)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Extend the due date with a reason; re-opens a lapsed commitment' })
  @ApiBody({ schema: schemaOf(ExtendDueDateRequest) })
  @ApiReturns(200, CommitmentUpdateResult, 'extended; ETag = new version', { headers: ['ETag'] })
  @applyAll(problems(400, 401, 403, 404, 409, 412, 422, 428))
  extend(
    @Param('id', new ZodValidationPipe(IdParam, 'commitment id')) id: string,
    @Body(new ZodValidationPipe(ExtendDueDateRequest)) body: ExtendDueDateRequest,
    @IfMatch() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommitmentUpdateResult> {
    return this.change(
      {
        type: 'extend-due-date',
        commitmentId: id,
        dueDate: body.dueDate,
        reason: body.reason,
        ...(body.dueDateKind ? { dueDateKind: body.dueDateKind } : {}),
      },
      version,
      ctx,
      res,
      body.reason,
    );
  }

  @Post(':id/fulfilment')
  @HttpCode(HttpStatus.OK)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Mark the commitment fulfilled, with evidence' })
  @ApiBody({ schema: schemaOf(FulfilCommitmentRequest) })
  @ApiReturns(200, CommitmentUpdateResult, 'fulfilled; ETag = new version', { headers: ['ETag'] })
  @applyAll(problems(400, 401, 403, 404, 409, 412, 422, 428))
  fulfil(
    @Param('id', new ZodValidationPipe(IdParam, 'commitment id')) id: string,
    @Body(new ZodValidationPipe(FulfilCommitmentRequest)) body: FulfilCommitmentRequest,
    @IfMatch() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommitmentUpdateResult> {
    return this.change(
      {
        type: 'fulfil',
        commitmentId: id,
        fulfilledOn: body.fulfilledOn,
        evidence: body.evidence,
        note: body.note,
      },
      version,
      ctx,
      res,
    );
  }

  @Post(':id/withdrawal')
  @HttpCode(HttpStatus.OK)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Withdraw the commitment, with a reason' })
  @ApiBody({ schema: schemaOf(WithdrawCommitmentRequest) })
  @ApiReturns(200, CommitmentUpdateResult, 'withdrawn; ETag = new version', { headers: ['ETag'] })
  @applyAll(problems(400, 401, 403, 404, 409, 412, 422, 428))
  withdraw(
    @Param('id', new ZodValidationPipe(IdParam, 'commitment id')) id: string,
    @Body(new ZodValidationPipe(WithdrawCommitmentRequest)) body: WithdrawCommitmentRequest,
    @IfMatch() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommitmentUpdateResult> {
    return this.change(
      {
        type: 'withdraw',
        commitmentId: id,
        reason: body.reason,
        ...(body.withdrawnOn ? { withdrawnOn: body.withdrawnOn } : {}),
      },
      version,
      ctx,
      res,
      body.reason,
    );
  }

  @Post(':id/lapse')
  @HttpCode(HttpStatus.OK)
  @Roles('secretariat')
  @ApiOperation({
    summary:
      'Record that an open commitment lapsed (its due date passed); the deadline timer does this by itself',
  })
  @ApiReturns(200, CommitmentUpdateResult, 'lapsed (or already lapsed: unchanged)', { headers: ['ETag'] })
  @applyAll(problems(400, 401, 403, 404, 409, 412, 422, 428))
  lapse(
    @Param('id', new ZodValidationPipe(IdParam, 'commitment id')) id: string,
    @IfMatch() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommitmentUpdateResult> {
    return this.change({ type: 'mark-lapsed', commitmentId: id }, version, ctx, res);
  }

  private async change(
    change: CommitmentChange,
    version: number,
    ctx: RequestContext,
    res: Response,
    reason: string | null = null,
  ): Promise<CommitmentUpdateResult> {
    const result = await this.commands.execute(
      new ChangeCommitmentCommand(change, metadataFor(ctx, new Date(), reason), ctx.principal, version),
    );
    setVersionHeaders(res, result.version);
    return result;
  }
}
