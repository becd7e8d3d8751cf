import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import mongoose, { type Connection } from 'mongoose';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { AuthGuard } from '@tracker/auth';
import { EVENT_STORE } from '@tracker/event-store';
import { createKafka } from '@tracker/messaging';
import { AppendSignal, SignallingMongoEventStore } from './append-signal';
import { type BaseConfig, DEFAULT_MONGO_MAX_POOL_SIZE } from './config';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { jwtSettingsOf } from './jwt-settings';
import { LabelsInterceptor } from './labels.interceptor';
import { redisProvider, RedisShutdown } from './redis';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { countMongoCommands } from './mongo-command-metrics';
import { ProblemDetailsFilter } from './problem-details.filter';
import {
  auditModuleFor,
  SERVICE_DEFINITION,
  ServiceLifecycle,
  type ServiceDefinition,
} from './service-lifecycle';
import { KAFKA, METRICS_REGISTRY, MONGO_CONNECTION, MONGO_DB, REDIS, SERVICE_CONFIG } from './tokens';

/**
 * What every event-sourced service shares: config, its own MongoDB database, the event store, Kafka,
 * the outbox relay and projection consumers, auth, problem+json errors, Redis with Idempotency-Key
 * replay, English/French labels, /health, /metrics (and /openapi.json, served by startApp).
 */
@Module({})
export class ServiceCoreModule {
  static forRoot(config: BaseConfig, service: ServiceDefinition): DynamicModule {
    return {
      module: ServiceCoreModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false }), auditModuleFor(service)],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SERVICE_DEFINITION, useValue: service },
        {
          provide: METRICS_REGISTRY,
          useFactory: () => {
            const registry = new Registry();
            registry.setDefaultLabels({ service: service.name });
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
        {
          provide: MONGO_CONNECTION,
          useFactory: async (registry: Registry): Promise<Connection> => {
            const connection = mongoose.createConnection(config.MONGO_URL, {
              dbName: config.MONGO_DB,
              serverSelectionTimeoutMS: 10_000,
              maxPoolSize: config.MONGO_MAX_POOL_SIZE ?? DEFAULT_MONGO_MAX_POOL_SIZE,
              // Connections a burst opened are closed once idle, on the server's side too.
              maxIdleTimeMS: 60_000,
              // tracker_mongo_commands_total: what the service costs the server, idle or per update.
              monitorCommands: true,
            });
            countMongoCommands(connection, registry);
            return connection.asPromise();
          },
          inject: [METRICS_REGISTRY],
        },
        { provide: MONGO_DB, useFactory: (c: Connection) => c.db, inject: [MONGO_CONNECTION] },
        {
          provide: EVENT_STORE,
          useFactory: async (c: Connection, appended: AppendSignal) => {
            if (!service.ownTopic || !c.db) return null;
            const store = new SignallingMongoEventStore(c.db, appended);
            await store.init();
            return store;
          },
          inject: [MONGO_CONNECTION, AppendSignal],
        },
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka({
              brokers: config.KAFKA_BROKERS,
              clientId: service.name,
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
            }),
        },
        AppendSignal,
        redisProvider(config),
        RedisShutdown,
        ServiceLifecycle,
        {
          provide: APP_GUARD,
          useFactory: (reflector: Reflector) => new AuthGuard(reflector, jwtSettingsOf(config)),
          inject: [Reflector],
        },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // Order matters: labels outside idempotency, so a replayed answer is labelled for the replay.
        { provide: APP_INTERCEPTOR, useClass: LabelsInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [
        SERVICE_CONFIG,
        MONGO_CONNECTION,
        MONGO_DB,
        EVENT_STORE,
        KAFKA,
        METRICS_REGISTRY,
        REDIS,
        ServiceLifecycle,
      ],
    };
  }
}
