import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, Reflector } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import mongoose, { type Connection } from 'mongoose';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { AuthGuard } from '@tracker/auth';
import { EVENT_STORE, MongoEventStore } from '@tracker/event-store';
import { createKafka } from '@tracker/messaging';
import type { BaseConfig } from './config';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { ProblemDetailsFilter } from './problem-details.filter';
import { SERVICE_DEFINITION, ServiceLifecycle, type ServiceDefinition } from './service-lifecycle';
import { KAFKA, METRICS_REGISTRY, MONGO_CONNECTION, MONGO_DB, SERVICE_CONFIG } from './tokens';

/**
 * What every event-sourced service shares: config, its own MongoDB database, the event store, Kafka,
 * the outbox relay and projection consumers, auth, problem+json errors, /health and /metrics.
 */
@Module({})
export class ServiceCoreModule {
  static forRoot(config: BaseConfig, service: ServiceDefinition): DynamicModule {
    return {
      module: ServiceCoreModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
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
          useFactory: async (): Promise<Connection> =>
            mongoose
              .createConnection(config.MONGO_URL, {
                dbName: config.MONGO_DB,
                serverSelectionTimeoutMS: 10_000,
                maxPoolSize: 20,
              })
              .asPromise(),
        },
        { provide: MONGO_DB, useFactory: (c: Connection) => c.db, inject: [MONGO_CONNECTION] },
        {
          provide: EVENT_STORE,
          useFactory: async (c: Connection) => {
            if (!service.ownTopic || !c.db) return null;
            const store = new MongoEventStore(c.db);
            await store.init();
            return store;
          },
          inject: [MONGO_CONNECTION],
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
        ServiceLifecycle,
        {
          provide: APP_GUARD,
          useFactory: (reflector: Reflector) =>
            new AuthGuard(reflector, { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER }),
          inject: [Reflector],
        },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [
        SERVICE_CONFIG,
        MONGO_CONNECTION,
        MONGO_DB,
        EVENT_STORE,
        KAFKA,
        METRICS_REGISTRY,
        ServiceLifecycle,
      ],
    };
  }
}
