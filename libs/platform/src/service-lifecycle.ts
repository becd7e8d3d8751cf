import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import type { Db } from 'mongodb';
import { Gauge, Counter, type Registry } from 'prom-client';
import { deadLetterTopic, prefixedTopic, type StoredEvent } from '@tracker/contracts';
import {
  AuditModule,
  EVENT_STORE,
  type EventStore,
  type FoldableAggregate,
  MongoEventStore,
  OutboxRelay,
} from '@tracker/event-store';
import { ensureTopics, KafkaConsumerRunner, KafkaEventPublisher } from '@tracker/messaging';
import {
  consumerGroupBacklog,
  MongoInbox,
  MongoProjectionStore,
  ProjectionLag,
  registerProjectionLagMetrics,
  type Projection,
} from '@tracker/projections';
import type { DynamicModule } from '@nestjs/common';
import { AppendSignal } from './append-signal';
import { type BaseConfig, DEFAULT_RELAY_LEASE_TTL_MS, DEFAULT_RELAY_POLL_INTERVAL_MS } from './config';
import { runInEventContext } from './event-context';
import { KAFKA, METRICS_REGISTRY, MONGO_CONNECTION, MONGO_DB, SERVICE_CONFIG } from './tokens';

export interface ProjectionRegistration {
  readonly projection: Projection<object>;
  readonly topics: readonly string[];
}

/** Read models differ in shape; the lifecycle only routes events to them, so the shape is erased here. */
export const projectionOn = <T extends object>(
  projection: Projection<T>,
  topics: readonly string[],
): ProjectionRegistration => ({
  projection: projection as unknown as Projection<object>,
  topics,
});

export interface ServiceDefinition {
  readonly name: string;
  /** The topic this service's relay publishes to, or null for a service with no event store. */
  readonly ownTopic: string | null;
  readonly projections: readonly ProjectionRegistration[];
  /** Aggregates whose streams the audit API folds "as of" a date (matched by `<name>-` stream prefix). */
  readonly aggregates?: readonly FoldableAggregate[];
}

/**
 * A read model fed by another context's topic keeps what it consumed from there in the inbox (ADR 0007);
 * its rebuilds replay the inbox and the service's own store.
 */
const feedsFromOtherContexts = (service: ServiceDefinition, reg: ProjectionRegistration): boolean =>
  reg.topics.some((t) => t !== service.ownTopic);

/** The audit API of a service (libs/event-store/src/audit), wired to what the service declared. */
export const auditModuleFor = (service: ServiceDefinition): DynamicModule =>
  AuditModule.forRootAsync({
    inject: [MONGO_DB, EVENT_STORE, ServiceLifecycle],
    useFactory: (db: Db, store: EventStore | null, lifecycle: ServiceLifecycle) => ({
      service: service.name,
      db,
      commits: store instanceof MongoEventStore ? store.commits : null,
      aggregates: service.aggregates ?? [],
      projections: service.projections.map((p) => ({
        projection: p.projection,
        source: feedsFromOtherContexts(service, p) ? ('inbox' as const) : ('event-store' as const),
      })),
      inbox: lifecycle.inbox,
    }),
  });

export const SERVICE_DEFINITION = Symbol('SERVICE_DEFINITION');

/**
 * Starts and stops what runs beside the HTTP server, in an order that loses nothing: topics, then the
 * outbox relay, then projection consumers; on shutdown consumers drain first, then the relay finishes
 * its batch, then connections close.
 */
@Injectable()
export class ServiceLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('ServiceLifecycle');
  private relay: OutboxRelay | null = null;
  private stopListening: (() => void) | null = null;
  private publisher: KafkaEventPublisher | null = null;
  private readonly consumers: KafkaConsumerRunner[] = [];
  readonly projectionStores = new Map<string, MongoProjectionStore<object>>();
  /** Events consumed from other contexts, kept for rebuilds and as-of queries; null when none are. */
  readonly inbox: MongoInbox | null;
  private readonly relayLag: Gauge;
  private readonly handled: Counter;
  private readonly deadLettered: Counter;
  /** Per projection: Kafka backlog and seconds behind (tracker_projection_lag_events / _seconds). */
  readonly lag = new ProjectionLag();
  private lagAdmin: Admin | null = null;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: BaseConfig,
    @Inject(SERVICE_DEFINITION) private readonly service: ServiceDefinition,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_CONNECTION) private readonly connection: Connection,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(EVENT_STORE) private readonly store: EventStore | null,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly appended: AppendSignal,
  ) {
    this.relayLag = new Gauge({
      name: 'tracker_outbox_lag_events',
      help: 'events committed but not yet published',
      registers: [registry],
    });
    this.handled = new Counter({
      name: 'tracker_projection_events_total',
      help: 'events handled by projection consumers',
      labelNames: ['projection', 'topic'],
      registers: [registry],
    });
    this.deadLettered = new Counter({
      name: 'tracker_dead_lettered_total',
      help: 'messages sent to a dead-letter topic',
      labelNames: ['topic'],
      registers: [registry],
    });
    for (const p of service.projections) {
      this.projectionStores.set(p.projection.name, new MongoProjectionStore<object>(p.projection, db));
      this.lag.track(p.projection.name, () =>
        this.lagAdmin
          ? consumerGroupBacklog(
              this.lagAdmin,
              this.groupIdOf(p),
              p.topics.map((t) => this.topic(t)),
            )
          : Promise.resolve(0),
      );
    }
    registerProjectionLagMetrics(registry, this.lag);
    this.inbox = service.projections.some((p) => feedsFromOtherContexts(service, p))
      ? new MongoInbox(db)
      : null;
  }

  topic(name: string): string {
    return prefixedTopic(this.config.KAFKA_TOPIC_PREFIX, name);
  }

  private groupIdOf(reg: ProjectionRegistration): string {
    return `${this.config.KAFKA_TOPIC_PREFIX}${this.service.name}.${reg.projection.name}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const topics = new Set<string>();
    if (this.service.ownTopic) topics.add(this.topic(this.service.ownTopic));
    for (const p of this.service.projections) for (const t of p.topics) topics.add(this.topic(t));
    const all = [...topics].flatMap((t) => [t, deadLetterTopic(t)]);
    if (all.length > 0) await ensureTopics(this.kafka, all);
    await this.inbox?.init();

    if (this.service.ownTopic && this.store) {
      this.publisher = new KafkaEventPublisher(this.kafka, this.topic(this.service.ownTopic));
      await this.publisher.connect();
      this.relay = new OutboxRelay(this.db, this.store, this.publisher, {
        name: this.service.name,
        owner: `${this.service.name}:${this.config.INSTANCE_ID}`,
        pollIntervalMs: this.config.RELAY_POLL_INTERVAL_MS ?? DEFAULT_RELAY_POLL_INTERVAL_MS,
        leaseTtlMs: this.config.RELAY_LEASE_TTL_MS ?? DEFAULT_RELAY_LEASE_TTL_MS,
        onError: (err) => this.logger.error({ err }, 'outbox relay round failed; will retry'),
        onPublished: (_n, lag) => this.relayLag.set(lag),
      });
      // Every append of this process wakes the relay (the store raises the signal: append-signal.ts).
      const relay = this.relay;
      this.stopListening = this.appended.listen(() => relay.notify());
      relay.start();
    }

    // The inbox keeps other contexts' events: the service's own are in its store (rebuild-sources.ts).
    const ownTopic = this.service.ownTopic ? this.topic(this.service.ownTopic) : null;
    for (const reg of this.service.projections) {
      const store = this.projectionStores.get(reg.projection.name)!;
      const inbox = feedsFromOtherContexts(this.service, reg) ? this.inbox : null;
      const runner = new KafkaConsumerRunner(this.kafka, {
        groupId: this.groupIdOf(reg),
        topics: reg.topics.map((t) => this.topic(t)),
        handler: async (event: StoredEvent, topic: string) => {
          if (topic !== ownTopic) await inbox?.record(event, topic);
          await runInEventContext(event, () => store.applyBatch([event]));
        },
        // A run of messages: one read and one bulk write of the read model instead of one per event.
        batchHandler: async (events: readonly StoredEvent[], topic: string) => {
          if (topic !== ownTopic) await inbox?.recordMany(events, topic);
          await store.applyBatch(events);
        },
        onHandled: (e, topic) => {
          this.handled.inc({ projection: reg.projection.name, topic });
          this.lag.applied(reg.projection.name, e);
        },
        onDeadLetter: (topic) => this.deadLettered.inc({ topic }),
        log: (level, message, extra) =>
          this.logger[level === 'info' ? 'log' : level](
            { ...extra, projection: reg.projection.name },
            message,
          ),
      });
      await runner.start();
      this.consumers.push(runner);
    }
    if (this.service.projections.length > 0) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.lagAdmin = admin;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
    const admin = this.lagAdmin;
    this.lagAdmin = null;
    await admin?.disconnect().catch(() => undefined);
    this.stopListening?.();
    await this.relay?.stop();
    await this.publisher?.disconnect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
