import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Filter } from 'mongodb';
import { Roles } from '@tracker/auth';
import { DigestRunResult, MailMessageListBody, MailMessagesQuery } from '@tracker/contracts';
import { ApiReturns, problem, ProblemError, ZodValidationPipe } from '@tracker/platform';
import { DigestMailer } from '../../infrastructure/mail/digest-mailer';
import type { MailMessage } from '../../infrastructure/mail/mail-message';
import { MailOutbox } from '../../infrastructure/mail/mail-outbox';
import { Problems } from './openapi';

@ApiTags('mail')
@ApiBearerAuth()
@Controller('api/mail')
export class MailController {
  constructor(
    private readonly outbox: MailOutbox,
    private readonly digests: DigestMailer,
  ) {}

  @Get('messages')
  @Roles('admin')
  @ApiOperation({
    summary:
      'The mail delivery log, newest first: each mail’s status and every attempt (sent, deferred, failed and why)',
  })
  @ApiReturns(200, MailMessageListBody, 'the latest mails, newest first')
  @Problems(400, 401, 403)
  async messages(
    @Query(new ZodValidationPipe(MailMessagesQuery, 'query string')) query: MailMessagesQuery,
  ): Promise<MailMessageListBody> {
    const filter: Filter<MailMessage> = {
      ...(query.recipientId ? { recipientId: query.recipientId } : {}),
      ...(query.status ? { status: query.status } : {}),
    };
    const docs = await this.outbox.messages
      .find(filter, { projection: { text: 0, html: 0 } })
      .sort({ createdAt: -1 })
      .limit(query.limit)
      .toArray();
    return { items: docs.map(({ _id: _i, text: _t, html: _h, ...m }) => m) };
  }

  @Post('digest-runs')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Queue today’s digest now (it also runs daily at MAIL_DIGEST_AT); a second run the same day queues nothing',
  })
  @ApiReturns(200, DigestRunResult, 'the digests of the day, and how many this run queued')
  @Problems(401, 403, 409)
  async runDigest(): Promise<DigestRunResult> {
    if (!this.digests.enabled)
      throw new ProblemError(problem(409, 'mail-off', 'no SMTP server is configured (MAIL_SMTP_HOST)'));
    return this.digests.run(new Date());
  }
}
