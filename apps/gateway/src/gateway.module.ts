import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { TerminusModule } from '@nestjs/terminus';
import type { Response } from 'express';
import {
  buildOpenApiDocument,
  jwtSettingsOf,
  loggerModule,
  ProblemDetailsFilter,
  startApp,
  type StartedApp,
} from '@tracker/platform';
import type { GatewayConfig } from './gateway.config';
import { GATEWAY_CONFIG, ROUTES } from './gateway.tokens';
import { GatewayProxy } from './infrastructure/gateway-proxy';
import { OpenApiAggregator } from './infrastructure/openapi-aggregator';
import { routeTable } from './infrastructure/routes';
import { webApp } from './infrastructure/web-app';
import { devSignIn } from './interface/http/dev-sign-in';
import { oidcSignIn } from './interface/http/oidc-sign-in';
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
        OpenApiAggregator,
      ],
    };
  }
}

export const INCOMPLETE_DOCS_HEADER = 'x-openapi-incomplete';

/**
 * Swagger UI at /docs over the merged document at /docs-json, rebuilt per request from the cached
 * service documents. A service that did not answer is named in the document and in a response header.
 */
const serveDocs = (app: NestExpressApplication): void => {
  const aggregator = app.get(OpenApiAggregator);
  const own = buildOpenApiDocument(app, SERVICE_NAME);
  aggregator.setGatewayDocument(own);
  SwaggerModule.setup('docs', app, own, {
    jsonDocumentUrl: 'docs-json',
    raw: ['json'],
    customSiteTitle: 'Tracker API',
    patchDocumentOnRequest: async <TRequest, TResponse>(_req: TRequest, res: TResponse) => {
      const { document, missing } = await aggregator.document();
      if (missing.length) (res as Response).setHeader(INCOMPLETE_DOCS_HEADER, missing.join(', '));
      return document;
    },
  });
};

/**
 * Starts the gateway: bodies are streamed, not parsed, and the proxy runs before Nest's own routes; the
 * development sign-in (outside /api) and the web app at `/` come before it and pass every other path on.
 */
export const startGateway = (config: GatewayConfig): Promise<StartedApp> =>
  startApp(GatewayModule.forRoot(config), config, {
    parseJson: false,
    configure: (app: NestExpressApplication) => {
      app.use(devSignIn(jwtSettingsOf(config)));
      app.use(oidcSignIn(config));
      // The browser runs the OpenID code flow itself: it fetches the provider's discovery and token endpoints.
      app.use(webApp(config.WEB_ROOT, config.OIDC_ISSUER ? [new URL(config.OIDC_ISSUER).origin] : []));
      app.use(app.get(GatewayProxy).handler);
      serveDocs(app);
    },
  });
