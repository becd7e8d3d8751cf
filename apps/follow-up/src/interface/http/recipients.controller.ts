import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Patch,
  Post,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { Roles } from '@tracker/auth';
import {
  RecipientBody,
  RecipientListBody,
  RegisterRecipientRequest,
  RegisterRecipientResult,
  UpdateRecipientRequest,
  UpdateRecipientResult,
} from '@tracker/contracts';
import {
  ApiReturns,
  Ctx,
  MONGO_DB,
  notFound,
  type RequestContext,
  setVersionHeaders,
  ZodValidationPipe,
} from '@tracker/platform';
import { type ReadModelDocument, withoutMeta } from '@tracker/projections';
import { RegisterRecipientCommand } from '../../application/register-recipient/register-recipient.command';
import { RemoveRecipientCommand } from '../../application/remove-recipient/remove-recipient.command';
import { UpdateRecipientCommand } from '../../application/update-recipient/update-recipient.command';
import { RECIPIENTS, type RecipientRow } from '../../infrastructure/mail/recipients.projection';
import { Problems, schemaOf } from './openapi';

const RecipientId = z.uuid({ message: 'must be a UUID' });
const publicRecipient = (doc: ReadModelDocument<RecipientRow>): RecipientBody => {
  const { removed: _r, ...row } = withoutMeta(doc);
  return row;
};
const recipientUrl = (id: string): string => `/api/recipients/${id}`;

@ApiTags('mail')
@ApiBearerAuth()
@Controller('api/recipients')
export class RecipientsController {
  private readonly rows: Collection<ReadModelDocument<RecipientRow>>;

  constructor(
    private readonly commands: CommandBus,
    @Inject(MONGO_DB) db: Db,
  ) {
    this.rows = db.collection<ReadModelDocument<RecipientRow>>(RECIPIENTS);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Register a person to receive alert mails (focal point of an institution, or secretariat)',
    description:
      'The address is the identity: registering it again with the same settings is a no-op (200); ' +
      'with other settings a 409 (change them with PATCH). `mode`: `immediate` (each lapse at once, and ' +
      'the daily digest) or `digest-only`; `paused`: nothing is mailed.',
  })
  @ApiBody({ schema: schemaOf(RegisterRecipientRequest) })
  @ApiReturns(201, RegisterRecipientResult, 'registered; ETag = version', { headers: ['ETag', 'Location'] })
  @ApiReturns(200, RegisterRecipientResult, 'registered before with these settings: nothing changed', {
    headers: ['ETag', 'Location'],
  })
  @Problems(400, 401, 403, 409)
  async register(
    @Body(new ZodValidationPipe(RegisterRecipientRequest)) body: RegisterRecipientRequest,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RegisterRecipientResult> {
    const result = await this.commands.execute(new RegisterRecipientCommand(body, ctx));
    res.status(result.registered ? HttpStatus.CREATED : HttpStatus.OK);
    setVersionHeaders(res, result.version, recipientUrl(result.recipientId));
    return result;
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Recipients of alert mails, by address' })
  @ApiReturns(200, RecipientListBody, 'every recipient not removed')
  @Problems(401, 403)
  async list(): Promise<RecipientListBody> {
    const rows = await this.rows.find({ removed: false }).sort({ email: 1 }).limit(10_000).toArray();
    return { items: rows.map(publicRecipient) };
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'One recipient of alert mails' })
  @ApiReturns(200, RecipientBody, 'the recipient; ETag = version', { headers: ['ETag'] })
  @Problems(400, 401, 403, 404)
  async get(
    @Param('id', new ZodValidationPipe(RecipientId, 'recipient id')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecipientBody> {
    // `_id` alone: FerretDB serves a top-level `_id` equality from its index (ADR 0005).
    const row = await this.rows.findOne({ _id: id });
    if (!row || row.removed) throw notFound(`recipient ${id}`);
    setVersionHeaders(res, row.version);
    return publicRecipient(row);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change how a recipient is mailed: name, language, audience, mode (digest-only), paused',
  })
  @ApiBody({ schema: schemaOf(UpdateRecipientRequest) })
  @ApiReturns(200, UpdateRecipientResult, 'the settings now in force; ETag = version', { headers: ['ETag'] })
  @Problems(400, 401, 403, 404)
  async update(
    @Param('id', new ZodValidationPipe(RecipientId, 'recipient id')) id: string,
    @Body(new ZodValidationPipe(UpdateRecipientRequest)) body: UpdateRecipientRequest,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UpdateRecipientResult> {
    const result = await this.commands.execute(new UpdateRecipientCommand(id, body, ctx));
    setVersionHeaders(res, result.version);
    return result;
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Remove a recipient: nothing more is mailed to the address' })
  @ApiReturns(204, null, 'removed')
  @Problems(400, 401, 403, 404)
  async remove(
    @Param('id', new ZodValidationPipe(RecipientId, 'recipient id')) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<void> {
    await this.commands.execute(new RemoveRecipientCommand(id, ctx));
  }
}
