import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Filter } from 'mongodb';
import { z } from 'zod';
import { Roles } from '@tracker/auth';
import {
  AlertBody,
  AlertPageBody,
  CreatedSubscriptionBody,
  DeliveryListBody,
  SubscriptionListBody,
} from '@tracker/contracts';
import {
  ApiReturns,
  Ctx,
  decodeKeysetCursor,
  encodeKeysetCursor,
  notFound,
  type RequestContext,
  ZodValidationPipe,
} from '@tracker/platform';
import { AlertAccess, alertFilterOf } from '../../application/alerts/alert-access';
import { AlertFeed } from '../../infrastructure/alert-feed';
import { type Alert, ALERT_TYPES, type Subscription } from '../../infrastructure/alerts';
import { Problems } from './openapi';

const READERS = ['admin', 'secretariat', 'focal-point', 'auditor', 'viewer'] as const;
const Id = z.string().trim().min(1).max(200);

export const AlertsQuery = z.strictObject({
  type: z.enum(ALERT_TYPES).optional(),
  acknowledged: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().max(500).optional(),
});
export type AlertsQuery = z.infer<typeof AlertsQuery>;

export const CreateSubscription = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  /** Empty or absent: every alert type. */
  eventTypes: z.array(z.enum(ALERT_TYPES)).max(20).default([]),
});
export type CreateSubscription = z.infer<typeof CreateSubscription>;

const publicAlert = ({ _id: _i, ...alert }: Alert) => alert;
const publicSubscription = ({ _id: _i, secret: _s, ...sub }: Subscription) => sub;

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api')
export class AlertsController {
  constructor(
    private readonly feed: AlertFeed,
    private readonly access: AlertAccess,
  ) {}

  @Get('alerts')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'The alert feed, newest first; filters: type, acknowledged; cursor pagination',
    description:
      'A focal point sees only alerts about commitments of its own institution; other roles see every alert.',
  })
  @ApiReturns(200, AlertPageBody, 'a page of alerts, newest first')
  @Problems(400, 401)
  async list(
    @Query(new ZodValidationPipe(AlertsQuery, 'query string')) query: AlertsQuery,
    @Ctx() ctx: RequestContext,
  ): Promise<AlertPageBody> {
    const after = query.cursor ? decodeKeysetCursor(query.cursor) : null;
    const scope = await this.access.scopeOf(ctx.principal);
    if (!scope.all && scope.commitmentIds.length === 0) return { items: [], nextCursor: null };
    // The scope names itemKind/itemId only, so it merges with the other conditions without clashing;
    // for callers who see everything the query is exactly what it was.
    const filter: Filter<Alert> = {
      ...alertFilterOf(scope),
      ...(query.type ? { type: query.type } : {}),
      ...(query.acknowledged !== undefined ? { acknowledged: query.acknowledged } : {}),
      ...(after
        ? { $or: [{ raisedAt: { $lt: after[0] } }, { raisedAt: after[0], _id: { $lt: after[1] } }] }
        : {}),
    };
    const docs = await this.feed.alerts
      .find(filter)
      .sort({ raisedAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .toArray();
    const page = docs.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(publicAlert),
      nextCursor: docs.length > query.limit && last ? encodeKeysetCursor(last.raisedAt, last._id) : null,
    };
  }

  @Post('alerts/:id/acknowledgement')
  @HttpCode(200)
  @Roles('admin', 'secretariat', 'focal-point')
  @ApiOperation({
    summary: 'Acknowledge an alert (idempotent: the first acknowledgement is kept)',
    description:
      'A focal point may acknowledge only alerts about commitments of its own institution; any other is a 404, as if it did not exist.',
  })
  @ApiReturns(200, AlertBody, 'the alert, acknowledged')
  @Problems(401, 403, 404)
  async acknowledge(
    @Param('id', new ZodValidationPipe(Id, 'alert id')) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AlertBody> {
    const existing = await this.feed.alerts.findOne({ _id: id });
    // 404, not 403: a 403 would tell a focal point that an alert with this id exists.
    if (!existing || !(await this.access.mayAccess(ctx.principal, existing))) throw notFound(`alert ${id}`);
    await this.feed.alerts.updateOne(
      { _id: id, acknowledged: false },
      {
        $set: {
          acknowledged: true,
          acknowledgedAt: new Date().toISOString(),
          acknowledgedBy: ctx.principal.subject,
        },
      },
    );
    const alert = await this.feed.alerts.findOne({ _id: id });
    if (!alert) throw notFound(`alert ${id}`);
    return publicAlert(alert);
  }

  @Post('subscriptions')
  @Roles('admin', 'secretariat')
  @ApiOperation({
    summary: 'Subscribe a webhook to alerts; the signing secret (Standard Webhooks) is returned only here',
  })
  @ApiReturns(201, CreatedSubscriptionBody, 'the subscription with its secret')
  @Problems(400, 401, 403)
  async subscribe(
    @Body(new ZodValidationPipe(CreateSubscription)) body: CreateSubscription,
    @Ctx() ctx: RequestContext,
  ): Promise<CreatedSubscriptionBody> {
    const sub = await this.feed.createSubscription(body.url, body.eventTypes, ctx.principal.subject);
    return { ...publicSubscription(sub), secret: sub.secret };
  }

  @Get('subscriptions')
  @Roles('admin', 'secretariat')
  @ApiOperation({ summary: 'Webhook subscriptions (without secrets)' })
  @ApiReturns(200, SubscriptionListBody, 'every subscription, oldest first')
  @Problems(401, 403)
  async subscriptions(): Promise<SubscriptionListBody> {
    const subs = await this.feed.subscriptions.find({}).sort({ createdAt: 1 }).toArray();
    return { items: subs.map(publicSubscription) };
  }

  @Get('subscriptions/:id/deliveries')
  @Roles('admin', 'secretariat')
  @ApiOperation({ summary: 'The delivery log of a subscription: one entry per alert, with every attempt' })
  @ApiReturns(200, DeliveryListBody, 'the latest 200 deliveries, newest first')
  @Problems(401, 403, 404)
  async deliveries(
    @Param('id', new ZodValidationPipe(Id, 'subscription id')) id: string,
  ): Promise<DeliveryListBody> {
    if (!(await this.feed.subscriptions.findOne({ _id: id }))) throw notFound(`subscription ${id}`);
    const items = await this.feed.log
      .find({ subscriptionId: id })
      .sort({ createdAt: -1 })
      .limit(200)
      .toArray();
    return { items: items.map(({ _id: _i, ...d }) => d) };
  }

  @Delete('subscriptions/:id')
  @HttpCode(204)
  @Roles('admin', 'secretariat')
  @ApiOperation({ summary: 'Remove a webhook subscription; pending deliveries to it are dropped' })
  @ApiReturns(204, null, 'removed')
  @Problems(401, 403, 404)
  async unsubscribe(@Param('id', new ZodValidationPipe(Id, 'subscription id')) id: string): Promise<void> {
    const { deletedCount } = await this.feed.subscriptions.deleteOne({ _id: id });
    if (deletedCount === 0) throw notFound(`subscription ${id}`);
  }
}
