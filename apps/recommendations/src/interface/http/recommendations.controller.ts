import { unlink } from 'node:fs/promises';
import {
  Body,
  Controller,
  createParamDecorator,
  type ExecutionContext,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import 'multer';
import type { Db } from 'mongodb';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import {
  AssignClusterRequest,
  CatalogueEntryBody,
  CataloguePageBody,
  ClusterBody,
  ClusterListBody,
  ClusterTitleResult,
  CreateRecommendationRequest,
  CreateRecommendationResult,
  ExportRecommendationsQuery,
  ImportRecommendationsQuery,
  ImportReportBody,
  ListRecommendationsQuery as ListQueryShape,
  RecordPositionRequest,
  ReviseTextRequest,
  SetClusterTitleRequest,
  SetPublicationRequest,
  RecommendationUpdateResult,
  Slug,
  TagRecommendationRequest,
} from '@tracker/contracts';
import { Roles } from '@tracker/auth';
import {
  ApiReturns,
  badRequest,
  Ctx,
  IfMatch,
  ifMatchOf,
  MONGO_DB,
  notFound,
  PROBLEM_CONTENT_TYPE,
  type RequestContext,
  setVersionHeaders,
  ZodValidationPipe,
} from '@tracker/platform';
import {
  ChangeRecommendationCommand,
  type RecommendationChange,
} from '../../application/change-recommendation/change-recommendation.command';
import {
  CreateRecommendationCommand,
  draftFromRequest,
  createdRecommendationId,
  recommendationIdFor,
} from '../../application/create-recommendation/create-recommendation.command';
import { ImportRecommendationsCommand } from '../../application/import-recommendations/import-recommendations.command';
import { cataloguePlan, sortSpec } from '../../application/queries/catalogue-filter';
import { exportedRows, writeCsv, writeXlsx } from '../../application/queries/export-recommendations';
import { GetRecommendationQuery } from '../../application/queries/get-recommendation.query';
import { ListClustersQuery } from '../../application/queries/list-clusters.query';
import { ListRecommendationsQuery } from '../../application/queries/list-recommendations.query';
import { SetClusterTitleCommand } from '../../application/set-cluster-title/set-cluster-title.command';
import { openApiSchema } from './openapi';

export { recommendationIdFor };

/** Largest import upload (the gateway's own limit is the same by default). */
export const MAX_IMPORT_BYTES = 40 * 1024 * 1024;

const IdParam = z.uuid({ message: 'must be a UUID' });
const READERS = ['secretariat', 'focal-point', 'auditor', 'viewer'] as const;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The export's bodies: files, described as such (no JSON schema checks them). */
const CSV_FILE = z.string().meta({ description: 'UTF-8 CSV with a header row' });
const XLSX_FILE = z.string().meta({ format: 'binary', description: 'an XLSX workbook' });
const problemResponse = (status: number, description: string) =>
  ApiResponse({ status, description, content: { [PROBLEM_CONTENT_TYPE]: {} } });

/**
 * If-Match where it is optional: a title is replaced whole and setting the same one is a no-op, so a
 * client that does not send it (the seed) replaces whatever is there; one that does is checked (412).
 */
const OptionalIfMatch = createParamDecorator((data: unknown, ctx: ExecutionContext): number | undefined =>
  ctx.switchToHttp().getRequest<Request>().headers['if-match'] === undefined
    ? undefined
    : ifMatchOf(data, ctx),
);

@ApiTags('recommendations')
@Controller('api/recommendations')
export class RecommendationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(MONGO_DB) private readonly db: Db,
  ) {}

  @Post()
  @Roles('secretariat')
  @ApiOperation({ summary: 'Create a recommendation (idempotent by externalKey)' })
  @ApiBody({ schema: openApiSchema(CreateRecommendationRequest) })
  @ApiReturns(201, CreateRecommendationResult, 'created; ETag = version, Location = the new resource', {
    headers: ['ETag', 'Location'],
  })
  @ApiReturns(
    200,
    CreateRecommendationResult,
    'the same externalKey with the same content existed: nothing changed',
    { headers: ['ETag', 'Location'] },
  )
  @problemResponse(400, 'invalid body')
  @problemResponse(409, 'the externalKey exists with different content')
  async create(
    @Body(new ZodValidationPipe(CreateRecommendationRequest)) body: CreateRecommendationRequest,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateRecommendationResult> {
    const id = createdRecommendationId(body.externalKey);
    const result = await this.commands.execute(
      new CreateRecommendationCommand(id, draftFromRequest(body), ctx),
    );
    res.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    setVersionHeaders(res, result.version, `/api/recommendations/${id}`);
    return result;
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'The catalogue: filters, text search, cursor pagination, sort' })
  @ApiReturns(200, CataloguePageBody, 'a page of the catalogue')
  @problemResponse(400, 'invalid filter or cursor')
  list(
    @Query(new ZodValidationPipe(ListQueryShape, 'query')) query: ListQueryShape,
    @Ctx() ctx: RequestContext,
  ): Promise<CataloguePageBody> {
    return this.queries.execute(new ListRecommendationsQuery(query, ctx.principal));
  }

  @Get('clusters')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Clusters ("same ask") with their title, members and citations' })
  @ApiReturns(200, ClusterListBody, 'every cluster the caller may see')
  listClusters(@Ctx() ctx: RequestContext): Promise<ClusterListBody> {
    return this.queries.execute(new ListClustersQuery(ctx.principal));
  }

  @Get('clusters/:key')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One cluster with its title, members and citations' })
  @ApiReturns(200, ClusterBody, 'the cluster')
  @problemResponse(404, 'no such cluster')
  async getCluster(
    @Param('key', new ZodValidationPipe(Slug, 'cluster key')) key: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ClusterBody> {
    const [cluster] = await this.queries.execute(new ListClustersQuery(ctx.principal, key));
    if (!cluster) throw notFound(`cluster ${key}`);
    return cluster;
  }

  @Put('clusters/:key')
  @Roles('secretariat')
  @ApiOperation({
    summary: 'Set (or change) the title of a cluster, in English and French',
    description:
      'Any kebab-case key may be titled, before or after recommendations are assigned to it. The same ' +
      'title again changes nothing (`changed: false`, no event). If-Match (the cluster’s ETag) is ' +
      'optional: when sent, a stale one is a 412.',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'the cluster’s ETag, e.g. "2"; when sent, a stale one is a 412',
  })
  @ApiBody({ schema: openApiSchema(SetClusterTitleRequest) })
  @ApiReturns(200, ClusterTitleResult, 'the title now in force; ETag = the cluster’s version', {
    headers: ['ETag'],
  })
  @problemResponse(400, 'bad cluster key, or a title missing a language, empty or too long')
  @problemResponse(412, 'stale If-Match')
  async setClusterTitle(
    @Param('key', new ZodValidationPipe(Slug, 'cluster key')) key: string,
    @Body(new ZodValidationPipe(SetClusterTitleRequest)) body: SetClusterTitleRequest,
    @OptionalIfMatch() version: number | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ClusterTitleResult> {
    const result = await this.commands.execute(new SetClusterTitleCommand(key, body.title, version, ctx));
    setVersionHeaders(res, result.version);
    return result;
  }

  @Get('export')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Export the filtered catalogue as CSV or XLSX (UHRI columns plus the Tracker’s)' })
  @ApiReturns(200, CSV_FILE, 'the CSV, streamed', { contentType: 'text/csv' })
  @ApiReturns(200, XLSX_FILE, 'an XLSX workbook, streamed', { contentType: XLSX_TYPE })
  async export(
    @Query(new ZodValidationPipe(ExportRecommendationsQuery, 'query')) query: ExportRecommendationsQuery,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ): Promise<void> {
    const rows = exportedRows(this.db, cataloguePlan(query, ctx.principal), sortSpec(query.sort));
    const stamp = new Date().toISOString().slice(0, 10);
    if (query.format === 'xlsx') {
      res.setHeader('Content-Type', XLSX_TYPE);
      res.setHeader('Content-Disposition', `attachment; filename="recommendations-${stamp}.xlsx"`);
      await writeXlsx(res, rows);
    } else {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="recommendations-${stamp}.csv"`);
      await writeCsv(res, rows);
    }
  }

  @Post('import')
  @Roles('secretariat')
  @HttpCode(HttpStatus.OK)
  @UseInterceptors(
    FileInterceptor('file', { dest: tmpdir(), limits: { fileSize: MAX_IMPORT_BYTES, files: 1 } }),
  )
  @ApiOperation({
    summary: 'Import UHRI XLSX, the research CSV or JSON lines of the create shape (idempotent)',
    description:
      'multipart/form-data with field `file`. Answers rows read, created, unchanged and rejected (row, reason); created + unchanged + rejected = read. `dryRun=true` writes nothing.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    },
  })
  @ApiReturns(200, ImportReportBody, 'rows read, created, unchanged and rejected (row, reason)')
  @problemResponse(400, 'no file, empty file, unreadable workbook')
  @problemResponse(413, 'file larger than the import limit')
  @problemResponse(415, 'not a spreadsheet')
  @problemResponse(422, 'headers are neither UHRI nor the research CSV')
  async import(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Query(new ZodValidationPipe(ImportRecommendationsQuery, 'query')) query: ImportRecommendationsQuery,
    @Ctx() ctx: RequestContext,
  ): Promise<ImportReportBody> {
    if (!file) throw badRequest('file-missing', 'send the file as multipart/form-data in the field "file"');
    try {
      return await this.commands.execute(
        new ImportRecommendationsCommand(
          { path: file.path, originalName: file.originalname, size: file.size },
          query.format,
          query.dryRun,
          ctx,
        ),
      );
    } finally {
      await unlink(file.path).catch(() => undefined);
    }
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One recommendation (ETag = version)' })
  @ApiReturns(200, CatalogueEntryBody, 'the recommendation; ETag = version', { headers: ['ETag'] })
  @problemResponse(404, 'unknown id (or a draft, to a viewer)')
  async get(
    @Param('id', new ZodValidationPipe(IdParam, 'recommendation id')) id: string,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CatalogueEntryBody> {
    const entry = await this.queries.execute(new GetRecommendationQuery(id, ctx.principal));
    setVersionHeaders(res, entry.version);
    return entry;
  }

  @Patch(':id/text')
  @Roles('secretariat')
  @ApiOperation({ summary: 'Revise the text (en, fr); requires If-Match' })
  @ApiBody({ schema: openApiSchema(ReviseTextRequest) })
  @problemResponse(412, 'stale If-Match')
  @problemResponse(428, 'If-Match missing')
  @ApiReturns(200, RecommendationUpdateResult, 'revised (or unchanged); ETag = new version', {
    headers: ['ETag'],
  })
  reviseText(
    @Param('id', new ZodValidationPipe(IdParam, 'recommendation id')) id: string,
    @Body(new ZodValidationPipe(ReviseTextRequest)) body: ReviseTextRequest,
    @IfMatch() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecommendationUpdateResult> {
    return this.change({ type: 'revise-text', recommendationId: id, ...body }, version, ctx, res);
  }

  @Post(':id/positions')
  @Roles('secretariat')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Record the state's position (supported, supported-in-part, noted, pending)" })
  @ApiBody({ schema: openApiSchema(RecordPositionRequest) })
  @problemResponse(412, 'stale If-Match')
  @ApiReturns(200, RecommendationUpdateResult, 'recorded (or unchanged); ETag = new version', {
    headers: ['ETag'],
  })
  recordPosition(
    @Param('id', new ZodValidationPipe(IdParam, 'recommendation id')) id: string,
    @Body(new ZodValidationPipe(RecordPositionRequest)) body: RecordPositionRequest,
    @IfMatch() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecommendationUpdateResult> {
    return this.change({ type: 'record-position', recommendationId: id, position: body }, version, ctx, res);
  }

  @Patch(':id/tags')
  @Roles('secretariat')
  @ApiOperation({ summary: 'Tag with themes, affected groups, SDG targets (each list given replaces)' })
  @ApiBody({ schema: openApiSchema(TagRecommendationRequest) })
  @problemResponse(412, 'stale If-Match')
  @ApiReturns(200, RecommendationUpdateResult, 'tagged (or unchanged); ETag = new version', {
    headers: ['ETag'],
  })
  tag(
    @Param('id', new ZodValidationPipe(IdParam, 'recommendation id')) id: string,
    @Body(new ZodValidationPipe(TagRecommendationRequest)) body: TagRecommendationRequest,
    @IfMatch() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecommendationUpdateResult> {
    return this.change({ type: 'tag', recommendationId: id, ...body }, version, ctx, res);
  }

  @Put(':id/cluster')
  @Roles('secretariat')
  @ApiOperation({ summary: 'Assign to a cluster (null: no cluster)' })
  @ApiBody({ schema: openApiSchema(AssignClusterRequest) })
  @problemResponse(412, 'stale If-Match')
  @ApiReturns(200, RecommendationUpdateResult, 'assigned (or unchanged); ETag = new version', {
    headers: ['ETag'],
  })
  assignCluster(
    @Param('id', new ZodValidationPipe(IdParam, 'recommendation id')) id: string,
    @Body(new ZodValidationPipe(AssignClusterRequest)) body: AssignClusterRequest,
    @IfMatch() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecommendationUpdateResult> {
    return this.change(
      { type: 'assign-cluster', recommendationId: id, clusterKey: body.clusterKey },
      version,
      ctx,
      res,
    );
  }

  @Put(':id/publication')
  @Roles('secretariat')
  @ApiOperation({ summary: 'Publish (visible to viewers) or unpublish (draft)' })
  @ApiBody({ schema: openApiSchema(SetPublicationRequest) })
  @problemResponse(412, 'stale If-Match')
  @ApiReturns(
    200,
    RecommendationUpdateResult,
    'published or unpublished (or unchanged); ETag = new version',
    { headers: ['ETag'] },
  )
  setPublication(
    @Param('id', new ZodValidationPipe(IdParam, 'recommendation id')) id: string,
    @Body(new ZodValidationPipe(SetPublicationRequest)) body: SetPublicationRequest,
    @IfMatch() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecommendationUpdateResult> {
    return this.change(
      { type: 'set-publication', recommendationId: id, published: body.published },
      version,
      ctx,
      res,
    );
  }

  private async change(
    change: RecommendationChange,
    expectedVersion: number,
    ctx: RequestContext,
    res: Response,
  ): Promise<RecommendationUpdateResult> {
    const result = await this.commands.execute(new ChangeRecommendationCommand(change, expectedVersion, ctx));
    setVersionHeaders(res, result.version);
    return result;
  }
}
