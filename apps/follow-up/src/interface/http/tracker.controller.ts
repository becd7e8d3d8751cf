import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { z } from 'zod';
import { Roles } from '@tracker/auth';
import { Ctx, type RequestContext, ZodValidationPipe } from '@tracker/platform';
import { GetTrackerItemQuery } from '../../application/queries/get-tracker-item.query';

const ItemId = z.uuid({ message: 'must be a UUID' });

@Controller('api/tracker')
export class TrackerController {
  constructor(private readonly queries: QueryBus) {}

  @Get('items/:id')
  @Roles('secretariat', 'focal-point', 'auditor', 'viewer')
  get(@Param('id', new ZodValidationPipe(ItemId, 'tracker item id')) id: string, @Ctx() ctx: RequestContext) {
    return this.queries.execute(new GetTrackerItemQuery(id, ctx.principal));
  }
}
