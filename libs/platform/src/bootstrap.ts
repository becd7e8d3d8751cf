import type { INestApplication } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import { installJsonBodyParser } from './body-parsing';
import { baseConfigSchema, loadConfig, type BaseConfig } from './config';
import { OPENAPI_PATH, serveOpenApi } from './openapi';
import { problem } from './problem';
import { sendProblem } from './problem-details.filter';
import { correlationIdOf, CORRELATION_HEADER } from './request-context';
import { SERVICE_DEFINITION, type ServiceDefinition } from './service-lifecycle';
import type { DynamicModule, Type } from '@nestjs/common';
import type { Request, Response } from 'express';

/** JSON logs with the correlation id of each request; shared by every app. */
export const loggerModule = (config: Pick<BaseConfig, 'LOG_LEVEL'>, service: string): DynamicModule =>
  LoggerModule.forRoot({
    pinoHttp: {
      level: config.LOG_LEVEL,
      base: { service },
      genReqId: (req, res) => {
        const id = correlationIdOf(req as never);
        res.setHeader(CORRELATION_HEADER, id);
        return id;
      },
      customProps: (req) => ({ correlationId: (req as { id?: unknown }).id }),
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      redact: ['req.headers.authorization'],
    },
  });

/** The ServiceDefinition of an event-sourced service (ServiceCoreModule), or null (the gateway). */
const serviceDefinitionOf = (app: INestApplication): ServiceDefinition | null => {
  // Not app.get(): a missing provider there aborts the process instead of throwing.
  for (const module of app.get(ModulesContainer).values()) {
    const wrapper = module.providers.get(SERVICE_DEFINITION);
    if (wrapper?.instance) return wrapper.instance as ServiceDefinition;
  }
  return null;
};

export interface StartedApp {
  readonly app: INestApplication;
  readonly url: string;
}

/**
 * Creates, configures and starts one service: own JSON body parser (problem+json on bad bodies),
 * pino logger, shutdown hooks so SIGTERM drains consumers before connections close.
 */
export const startApp = async (
  root: DynamicModule | Type,
  config: Pick<BaseConfig, 'HOST' | 'PORT'>,
  options: {
    bodyLimit?: string;
    parseJson?: boolean;
    configure?: (app: NestExpressApplication) => void | Promise<void>;
  } = {},
): Promise<StartedApp> => {
  const app = await NestFactory.create<NestExpressApplication>(root, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  app.disable('x-powered-by');
  // The gateway streams bodies through untouched; services parse JSON themselves.
  if (options.parseJson !== false)
    installJsonBodyParser(app.getHttpAdapter().getInstance(), options.bodyLimit);
  app.enableShutdownHooks();
  await options.configure?.(app);
  const service = serviceDefinitionOf(app);
  if (service) {
    try {
      serveOpenApi(app, service.name);
    } catch (err) {
      app.get(PinoNestLogger).error({ err }, 'could not build the OpenAPI document');
      app
        .getHttpAdapter()
        .getInstance()
        .get(OPENAPI_PATH, (req: Request, res: Response) =>
          sendProblem(
            res,
            req,
            problem(500, 'openapi-unavailable', 'the OpenAPI document could not be built'),
          ),
        );
    }
  }
  // The gateway pools keep-alive sockets to the services; a service that closed an idle socket first
  // (Node's default is 5 s) would make the gateway's next request on it fail with "socket hang up".
  const server = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address() as { port: number } | string | null;
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  return { app, url: `http://${config.HOST}:${port}` };
};

/**
 * The whole of an app's main.ts: validate config (exit 1 with the list of bad variables), start, print
 * the URL. Defaults give each service its own port and database.
 */
export const runService = (
  name: string,
  defaults: { PORT: number; MONGO_DB: string },
  build: (config: BaseConfig) => DynamicModule,
  options: { bodyLimit?: string } = {},
): void => {
  const main = async (): Promise<void> => {
    const config = loadConfig(
      baseConfigSchema.extend({
        PORT: baseConfigSchema.shape.PORT.default(defaults.PORT),
        MONGO_DB: baseConfigSchema.shape.MONGO_DB.default(defaults.MONGO_DB),
      }),
    );
    const { url } = await startApp(build(config), config, options);
    process.stdout.write(`${name} listening on ${url}\n`);
  };
  main().catch((err: unknown) => {
    process.stderr.write(`${name} failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
};
