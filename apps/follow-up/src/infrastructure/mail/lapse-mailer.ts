import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { commitmentEvents, type CommitmentEvent, type StoredEvent, Topics } from '@tracker/contracts';
import type { KafkaConsumerRunner } from '@tracker/messaging';
import { type BaseConfig, eventReactor, KAFKA, MONGO_DB, SERVICE_CONFIG } from '@tracker/platform';
import type { ReadModelDocument } from '@tracker/projections';
import { TRACKER, type TrackerItem } from '../tracker-item.projection';
import { lapseRecipients } from './mail-audience';
import { lapseMail } from './mail-content';
import { mailItemOf } from './mail-items';
import { MAIL_OPTIONS, type MailOptions } from './mail.config';
import { MailOutbox } from './mail-outbox';
import { RECIPIENTS, type RecipientRow } from './recipients.projection';

const LATE_MS = 86_400_000;

/**
 * Mails a lapse at once to the focal points of the commitment's institutions and to the secretariat.
 * Its own consumer group on the commitments topic, so the feed and webhooks go on whatever mail does.
 * A lapse read more than a day after it happened (a first deployment reading the topic's history, a
 * service down for days) is not mailed at once: the daily digest lists it with the other lapses.
 */
@Injectable()
export class LapseMailer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LapseMailer.name);
  private consumer: KafkaConsumerRunner | null = null;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: BaseConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(MAIL_OPTIONS) private readonly options: MailOptions,
    private readonly outbox: MailOutbox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.smtp) {
      this.logger.log('no SMTP server configured (MAIL_SMTP_HOST): alerts are not mailed');
      return;
    }
    this.consumer = eventReactor(this.kafka, this.config, {
      group: 'follow-up.mail',
      topics: [Topics.commitments],
      handle: (event) => this.onEvent(event),
      // The tracker row that names the commitment's institutions may lag the lapse by its catch-up.
      maxAttempts: 40,
      backoffMs: 500,
      maxBackoffMs: 5_000,
      logger: this.logger,
    });
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
  }

  /** Idempotent: the outbox holds one mail per (alert, recipient). */
  private async onEvent(stored: StoredEvent): Promise<void> {
    if (stored.type !== 'commitment.lapsed') return;
    const event = commitmentEvents.parse<CommitmentEvent>(stored);
    if (event.type !== 'commitment.lapsed') return;
    if (Date.now() - Date.parse(event.data.lapsedAt) > LATE_MS) return;
    const row = await this.db
      .collection<ReadModelDocument<TrackerItem>>(TRACKER)
      .findOne({ _id: event.data.commitmentId });
    const known = row?.known ? mailItemOf(row, this.options.linkBaseUrl) : null;
    if (!row?.commitment || !known)
      throw new Error(
        `commitment ${event.data.commitmentId} is not in the tracker yet: its lapse is mailed later`,
      );
    // The due date that lapsed is the event's: the row may already show a later extension.
    const item = { ...known, due: known.due && { ...known.due, dueDate: event.data.dueDate } };
    const recipients = await this.db.collection<RecipientRow>(RECIPIENTS).find({ removed: false }).toArray();
    await this.outbox.put(
      lapseRecipients(recipients, row.commitment.institutions).map((r) => ({
        // The alert's id is the lapse event's id (alert-feed.ts): the mail and the feed name one alert.
        key: `alert:${stored.eventId}`,
        recipientId: r.recipientId,
        to: r.email,
        kind: 'alert' as const,
        alertId: stored.eventId,
        digestDate: null,
        ...lapseMail(r.language, r.name, item),
      })),
    );
  }
}
