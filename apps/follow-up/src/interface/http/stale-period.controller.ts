import { Body, Controller, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Roles } from '@tracker/auth';
import { SetStalePeriodRequest, SetStalePeriodResult } from '@tracker/contracts';
import { ApiReturns, Ctx, type RequestContext, ZodValidationPipe } from '@tracker/platform';
import { SetStalePeriodCommand } from '../../application/set-stale-period/set-stale-period.command';
import { Problems, schemaOf } from './openapi';

const ItemId = z.uuid({ message: 'must be a UUID' });

@ApiTags('tracker')
@ApiBearerAuth()
@Controller('api/tracker/items')
export class StalePeriodController {
  constructor(private readonly commands: CommandBus) {}

  @Put(':id/stale-after')
  @Roles('secretariat')
  @ApiOperation({
    summary: 'Set (or clear) how many days one item may go without an assessment before it is stale',
    description:
      '`staleAfterDays`: the item’s own period, in place of the global ASSESSMENT_STALE_AFTER_DAYS; ' +
      '0 = this item is never stale; null = clear it, the global period applies again. The next stale ' +
      'check uses it. Setting the period the item already has changes nothing (`changed: false`).',
  })
  @ApiBody({ schema: schemaOf(SetStalePeriodRequest) })
  @ApiReturns(200, SetStalePeriodResult, 'the period now in force')
  @Problems(400, 401, 403, 404, 422)
  set(
    @Param('id', new ZodValidationPipe(ItemId, 'tracker item id')) id: string,
    @Body(new ZodValidationPipe(SetStalePeriodRequest)) body: SetStalePeriodRequest,
    @Ctx() ctx: RequestContext,
  ): Promise<SetStalePeriodResult> {
    return this.commands.execute(new SetStalePeriodCommand(id, body.staleAfterDays, body.reason, ctx));
  }
}
