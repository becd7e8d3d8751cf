import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Kafka } from 'kafkajs';
import type { Collection, Db } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { Topics, type StoredEvent } from '@tracker/contracts';
import { JobQueue, type KafkaConsumerRunner, queueDepthGauge } from '@tracker/messaging';
import {
  type BaseConfig,
  DEFAULT_REDIS_URL,
  ensureIndexes,
  eventReactor,
  isDuplicateKey,
  KAFKA,
  METRICS_REGISTRY,
  MONGO_DB,
  SERVICE_CONFIG,
} from '@tracker/platform';
import {
  ALERTS,
  alertOf,
  DELIVERIES,
  newWebhookSecret,
  SUBSCRIPTIONS,
  webhookPayload,
  type Alert,
  type Delivery,
  type DeliveryAttempt,
  type Subscription,
} from './alerts';

const intFromEnv = (name: string, fallback: number): number => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

interface DeliveryJob {
  readonly subscriptionId: string;
  readonly eventId: string;
}

/**
 * The alert feed and its webhooks: consumes the commitments topic, keeps one alert document per
 * alerting event, and for each matching subscription records a delivery (unique per subscription and
 * event) and a BullMQ job that POSTs the signed alert, retrying with exponential backoff.
 */
@Injectable()
export class AlertFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertFeed.name);
  private queue: JobQueue<DeliveryJob> | null = null;
  private consumer: KafkaConsumerRunner | null = null;
  private readonly deliveries: Counter;
  readonly alerts: Collection<Alert>;
  readonly subscriptions: Collection<Subscription>;
  readonly log: Collection<Delivery>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: BaseConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.alerts = db.collection<Alert>(ALERTS);
    this.subscriptions = db.collection<Subscription>(SUBSCRIPTIONS);
    this.log = db.collection<Delivery>(DELIVERIES);
    this.deliveries = new Counter({
      name: 'tracker_webhook_attempts_total',
      help: 'webhook delivery attempts by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    queueDepthGauge(
      registry,
      'tracker_webhook_queue_depth',
      'webhook deliveries waiting (delayed + waiting + active)',
      () => this.queue?.queue,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureIndexes(this.db, this.alerts, [
      { key: { raisedAt: -1, _id: -1 }, options: { name: 'raisedAt_-1__id_-1' } },
      {
        key: { type: 1, acknowledged: 1, raisedAt: -1 },
        options: { name: 'type_1_acknowledged_1_raisedAt_-1' },
      },
    ]);
    await ensureIndexes(this.db, this.log, [
      {
        key: { subscriptionId: 1, eventId: 1 },
        options: { unique: true, name: 'subscriptionId_1_eventId_1' },
      },
    ]);
    this.queue = new JobQueue<DeliveryJob>({
      name: `${this.config.KAFKA_TOPIC_PREFIX}follow-up-webhooks`.replace(/[:]/g, '_'),
      redisUrl: this.config.REDIS_URL ?? DEFAULT_REDIS_URL,
      connectionName: `${this.config.INSTANCE_ID}:webhooks`,
      process: (job) => this.deliver(job),
      attempts: intFromEnv('WEBHOOK_MAX_ATTEMPTS', 8),
      backoffMs: intFromEnv('WEBHOOK_BACKOFF_MS', 1_000),
      concurrency: 8,
      work: true,
      onExhausted: async (job) => {
        await this.log.updateOne({ _id: job.id! }, { $set: { status: 'failed' } });
      },
      log: (message, extra) => this.logger.warn(extra, `webhook ${message}`),
    });
    this.queue.start();
    this.consumer = eventReactor(this.kafka, this.config, {
      group: 'follow-up.alerts',
      topics: [Topics.commitments, Topics.followUp],
      handle: (event) => this.onEvent(event),
      logger: this.logger,
    });
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
    await this.queue?.close();
  }

  /** Idempotent: a redelivered event finds its alert and deliveries already there. */
  private async onEvent(stored: StoredEvent): Promise<void> {
    const raised = alertOf(stored);
    if (!raised) return;
    await this.alerts
      .updateOne(
        { _id: raised.alertId },
        { $setOnInsert: { ...raised, raisedAt: new Date().toISOString() } },
        { upsert: true },
      )
      .catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
    const subs = await this.subscriptions
      .find({ $or: [{ eventTypes: { $size: 0 } }, { eventTypes: raised.type }] })
      .toArray();
    for (const sub of subs) await this.enqueue(sub._id, raised.alertId);
  }

  private async enqueue(subscriptionId: string, eventId: string): Promise<void> {
    const id = `${subscriptionId}:${eventId}`;
    await this.log
      .updateOne(
        { _id: id },
        {
          $setOnInsert: {
            subscriptionId,
            eventId,
            status: 'pending',
            attempts: [],
            createdAt: new Date().toISOString(),
            deliveredAt: null,
          },
        },
        { upsert: true },
      )
      .catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
    const delivery = await this.log.findOne({ _id: id });
    if (delivery?.status !== 'pending') return;
    // Same job id while the job is retained: Kafka redelivering the event queues nothing new.
    await this.queue!.add(`deliver:${id}`, { subscriptionId, eventId });
  }

  private async deliver(job: Job<DeliveryJob>): Promise<void> {
    const { subscriptionId, eventId } = job.data;
    const id = `${subscriptionId}:${eventId}`;
    const [sub, alert, delivery] = await Promise.all([
      this.subscriptions.findOne({ _id: subscriptionId }),
      this.alerts.findOne({ _id: eventId }),
      this.log.findOne({ _id: id }),
    ]);
    if (!sub || !alert || !delivery || delivery.status === 'delivered') return;
    const payload = webhookPayload(alert);
    const timestamp = new Date();
    const signature = new Webhook(sub.secret).sign(eventId, timestamp, payload);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(sub.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': eventId,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: payload,
        signal: AbortSignal.timeout(intFromEnv('WEBHOOK_TIMEOUT_MS', 10_000)),
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) error = `receiver answered ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const attempt: DeliveryAttempt = { at: timestamp.toISOString(), status, error };
    if (error) {
      this.deliveries.inc({ outcome: 'failed' });
      await this.log.updateOne({ _id: id }, { $push: { attempts: attempt } });
      throw new Error(`webhook delivery ${id} failed: ${error}`);
    }
    this.deliveries.inc({ outcome: 'delivered' });
    await this.log.updateOne(
      { _id: id },
      { $push: { attempts: attempt }, $set: { status: 'delivered', deliveredAt: new Date().toISOString() } },
    );
  }

  async createSubscription(
    url: string,
    eventTypes: readonly string[],
    createdBy: string,
  ): Promise<Subscription> {
    const subscriptionId = randomUUID();
    const sub: Subscription = {
      _id: subscriptionId,
      subscriptionId,
      url,
      eventTypes,
      secret: newWebhookSecret(),
      createdAt: new Date().toISOString(),
      createdBy,
    };
    await this.subscriptions.insertOne(sub);
    return sub;
  }
}
