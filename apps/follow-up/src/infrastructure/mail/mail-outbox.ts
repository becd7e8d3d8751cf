import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Collection, Db } from 'mongodb';
import { Counter, type Registry } from 'prom-client';
import { JobQueue, queueDepthGauge } from '@tracker/messaging';
import {
  type BaseConfig,
  DEFAULT_REDIS_URL,
  ensureIndexes,
  METRICS_REGISTRY,
  MONGO_DB,
  SERVICE_CONFIG,
} from '@tracker/platform';
import type { ReadModelDocument } from '@tracker/projections';
import { MAIL_OPTIONS, type MailOptions } from './mail.config';
import {
  DONE,
  MAIL_MESSAGES,
  type MailAttempt,
  type MailDraft,
  type MailMessage,
  messageIdOf,
} from './mail-message';
import { RECIPIENTS, type RecipientRow } from './recipients.projection';
import { isPermanentSmtpError, SmtpTransport } from './smtp-transport';

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

/**
 * The mail outbox: a mail is a document before it is a job, unique per (alert or digest, recipient), so
 * whoever queues it twice (a redelivered event, a second digest run) queues one mail. A BullMQ job per
 * document sends it with bounded retries; each attempt is logged on the document (the admins' delivery
 * log). Exactly once, and where it is only at least once: docs/adr/0012-alert-mail.md.
 */
@Injectable()
export class MailOutbox implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailOutbox.name);
  private readonly jobs: JobQueue<{ readonly id: string }>;
  private readonly attempts: Counter;
  readonly messages: Collection<MailMessage>;

  constructor(
    @Inject(SERVICE_CONFIG) config: BaseConfig,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(MAIL_OPTIONS) private readonly options: MailOptions,
    private readonly transport: SmtpTransport,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.attempts = new Counter({
      name: 'tracker_mail_attempts_total',
      help: 'alert mail attempts by outcome (sent, deferred, failed, interrupted)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.messages = db.collection<MailMessage>(MAIL_MESSAGES);
    this.jobs = new JobQueue({
      name: `${config.KAFKA_TOPIC_PREFIX}follow-up-mail`.replace(/[:]/g, '_'),
      redisUrl: config.REDIS_URL ?? DEFAULT_REDIS_URL,
      connectionName: `${config.INSTANCE_ID}:mail`,
      process: (job) => this.deliver(job),
      attempts: options.maxAttempts,
      backoffMs: options.backoffMs,
      lockMs: options.lockMs,
      work: options.smtp !== null,
      onExhausted: (job, err) => this.fail(job.data.id, errorText(err)),
      log: (message, extra) => this.logger.warn(extra, message),
    });
    queueDepthGauge(
      registry,
      'tracker_mail_queue_depth',
      'alert mails waiting to be sent (delayed + waiting + active)',
      () => this.jobs.queue,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureIndexes(this.db, this.messages, [
      { key: { createdAt: -1 }, options: { name: 'createdAt_-1' } },
      { key: { recipientId: 1, createdAt: -1 }, options: { name: 'recipientId_1_createdAt_-1' } },
      { key: { status: 1, createdAt: -1 }, options: { name: 'status_1_createdAt_-1' } },
    ]);
    this.jobs.start();
    // A mail recorded whose job was lost (Redis emptied, a crash between the two writes) is queued again.
    const open = await this.messages
      .find({ status: { $in: ['pending', 'sending', 'deferred'] } }, { projection: { _id: 1 } })
      .toArray();
    for (const m of open) await this.jobs.add(`mail:${m._id}`, { id: m._id });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.jobs.close();
  }

  /** Records each mail once and queues its job; returns how many were new. Idempotent. */
  async put(drafts: readonly MailDraft[]): Promise<number> {
    let added = 0;
    for (const { key, ...draft } of drafts) {
      const id = `${key}:${draft.recipientId}`;
      const { upsertedCount } = await this.messages.updateOne(
        { _id: id },
        {
          $setOnInsert: {
            ...draft,
            messageId: messageIdOf(id, this.options.from),
            status: 'pending',
            attempts: [],
            createdAt: new Date().toISOString(),
            sentAt: null,
          },
        },
        { upsert: true },
      );
      added += upsertedCount;
      const doc = await this.messages.findOne({ _id: id }, { projection: { status: 1 } });
      if (doc && !DONE.includes(doc.status)) await this.jobs.add(`mail:${id}`, { id });
    }
    return added;
  }

  private async deliver(job: Job<{ readonly id: string }>): Promise<void> {
    const { id } = job.data;
    const mail = await this.messages.findOne({ _id: id });
    if (!mail || DONE.includes(mail.status)) return;
    const at = new Date().toISOString();
    // Paused or removed since the mail was queued (during an outage, say): they asked for nothing more.
    const recipient = await this.db
      .collection<ReadModelDocument<RecipientRow>>(RECIPIENTS)
      .findOne({ _id: mail.recipientId });
    if (!recipient || recipient.removed || recipient.paused) {
      const why = recipient?.paused ? 'paused' : 'removed';
      await this.log(
        id,
        { at, outcome: 'cancelled', response: null, error: `the recipient is ${why}` },
        'cancelled',
      );
      return;
    }
    if (mail.status === 'sending')
      // The attempt before this one never recorded its outcome: its process died while sending.
      await this.log(id, {
        at,
        outcome: 'interrupted',
        response: null,
        error: 'the process stopped during an earlier attempt; sent again with the same Message-ID',
      });
    await this.messages.updateOne({ _id: id }, { $set: { status: 'sending' } });
    let response: string;
    try {
      response = await this.transport.send(mail);
    } catch (err) {
      const permanent = isPermanentSmtpError(err);
      const last = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const status = last ? 'failed' : 'deferred';
      await this.log(id, { at, outcome: status, response: null, error: errorText(err) }, status);
      if (permanent) throw new UnrecoverableError(errorText(err));
      throw err;
    }
    await this.messages.updateOne(
      { _id: id },
      {
        $set: { status: 'sent', sentAt: new Date().toISOString() },
        $push: { attempts: { at, outcome: 'sent', response, error: null } },
      },
    );
    this.attempts.inc({ outcome: 'sent' });
  }

  private async log(id: string, attempt: MailAttempt, status?: MailMessage['status']): Promise<void> {
    this.attempts.inc({ outcome: attempt.outcome });
    await this.messages.updateOne(
      { _id: id },
      { $push: { attempts: attempt }, ...(status ? { $set: { status } } : {}) },
    );
  }

  private async fail(id: string, error: string): Promise<void> {
    await this.messages.updateOne({ _id: id, status: { $ne: 'sent' } }, { $set: { status: 'failed' } });
    this.logger.warn({ id, error }, 'mail failed for good');
  }
}
