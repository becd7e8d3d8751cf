import { Body, Controller, Get, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { CreateRecommendationRequest } from '@tracker/contracts';
import { Roles } from '@tracker/auth';
import { Ctx, type RequestContext, setVersionHeaders, ZodValidationPipe } from '@tracker/platform';
import { z } from 'zod';
import { CreateRecommendationCommand } from '../../application/create-recommendation/create-recommendation.command';
import { GetRecommendationQuery } from '../../application/queries/get-recommendation.query';

/** Fixed namespace: a natural key always maps to the same recommendation id, in every environment. */
const EXTERNAL_KEY_NAMESPACE = '6f1c1a52-4b7e-4f0e-9a51-2f7d3c2b9e10';

export const recommendationIdFor = (externalKey: string | undefined): string =>
  externalKey ? uuidv5(externalKey, EXTERNAL_KEY_NAMESPACE) : uuidv7();

const IdParam = z.uuid({ message: 'must be a UUID' });

@Controller('api/recommendations')
export class RecommendationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('secretariat')
  async create(
    @Body(new ZodValidationPipe(CreateRecommendationRequest)) body: CreateRecommendationRequest,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const id = recommendationIdFor(body.externalKey);
    const result = await this.commands.execute(
      new CreateRecommendationCommand(
        id,
        {
          externalKey: body.externalKey ?? null,
          mechanism: body.mechanism,
          recommendingEntities: body.recommendingEntities,
          document: body.document,
          upr: body.upr ?? null,
          text: body.text,
          themes: body.themes,
          affectedGroups: body.affectedGroups,
          sdgTargets: body.sdgTargets,
          position: body.position ?? null,
          clusterKey: body.clusterKey ?? null,
          published: body.published,
        },
        ctx,
      ),
    );
    res.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    setVersionHeaders(res, result.version, `/api/recommendations/${id}`);
    return result;
  }

  @Get(':id')
  @Roles('secretariat', 'focal-point', 'auditor', 'viewer')
  async get(
    @Param('id', new ZodValidationPipe(IdParam, 'recommendation id')) id: string,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const entry = await this.queries.execute(new GetRecommendationQuery(id, ctx.principal));
    setVersionHeaders(res, entry.version);
    return entry;
  }
}
