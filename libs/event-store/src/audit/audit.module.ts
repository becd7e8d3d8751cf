import {
  type DynamicModule,
  type InjectionToken,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLogMiddleware } from './audit-log.middleware';
import { AUDIT_OPTIONS, type AuditOptions } from './audit.options';
import { AuditService } from './audit.service';

/**
 * The audit API (event history, as-of, verification, rebuilds) as a module any event-sourced service
 * mounts; ServiceCoreModule does it for every service, passing what the service declared.
 */
@Module({})
export class AuditModule implements NestModule {
  static forRootAsync(options: {
    inject: InjectionToken[];
    useFactory: (...deps: never[]) => AuditOptions | Promise<AuditOptions>;
  }): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditController],
      providers: [
        { provide: AUDIT_OPTIONS, inject: options.inject, useFactory: options.useFactory },
        AuditService,
        AuditLogMiddleware,
      ],
      exports: [AuditService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuditLogMiddleware).forRoutes(AuditController);
  }
}
