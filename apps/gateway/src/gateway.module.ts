import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TerminusModule } from '@nestjs/terminus';
import { loggerModule, ProblemDetailsFilter, startApp, type StartedApp } from '@tracker/platform';
import type { GatewayConfig } from './gateway.config';
import { GATEWAY_CONFIG, ROUTES } from './gateway.tokens';
import { GatewayProxy } from './infrastructure/gateway-proxy';
import { routeTable } from './infrastructure/routes';
import { GatewayHealthController } from './interface/http/gateway-health.controller';

export const SERVICE_NAME = 'gateway';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [loggerModule(config, SERVICE_NAME), TerminusModule.forRoot({ logger: false })],
      controllers: [GatewayHealthController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: ROUTES, useValue: routeTable(config) },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        GatewayProxy,
      ],
    };
  }
}

/** Starts the gateway: bodies are streamed, not parsed, and the proxy runs before Nest's own routes. */
export const startGateway = (config: GatewayConfig): Promise<StartedApp> =>
  startApp(GatewayModule.forRoot(config), config, {
    parseJson: false,
    configure: (app: NestExpressApplication) => {
      app.use(app.get(GatewayProxy).handler);
    },
  });
