/* Writes the merged OpenAPI document of the whole API to docs/openapi.json (npm run openapi).
 * No server is needed: each app is created in Nest's preview mode (modules wired, nothing connected),
 * documented exactly as it documents itself at /openapi.json, and merged as the gateway merges them.
 * CI checks the committed file against the running gateway (test/e2e/openapi.e2e-spec.ts). */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { baseConfigSchema, buildOpenApiDocument, loadConfig } from '@tracker/platform';
import { CommitmentsModule } from '../apps/commitments/src/commitments.module';
import { FollowUpModule } from '../apps/follow-up/src/follow-up.module';
import { gatewayConfigSchema } from '../apps/gateway/src/gateway.config';
import { GatewayModule, SERVICE_NAME as GATEWAY } from '../apps/gateway/src/gateway.module';
import { mergeOpenApi } from '../apps/gateway/src/infrastructure/openapi-merge';
import { routeTable } from '../apps/gateway/src/infrastructure/routes';
import { RecommendationsModule } from '../apps/recommendations/src/recommendations.module';

/** The repository root: the nearest folder above this file (source or compiled) with a package.json. */
const repoRoot = (): string => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir))
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  return process.cwd();
};

export const OPENAPI_FILE = path.join(repoRoot(), 'docs', 'openapi.json');

const documentOf = async (module: DynamicModule, service: string): Promise<OpenAPIObject> => {
  const app = await NestFactory.create(module, { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app, service);
  } finally {
    await app.close();
  }
};

/** The merged document, serialised deterministically (sorted keys, two-space indent, final newline). */
export const renderOpenApi = async (): Promise<string> => {
  const config = loadConfig(baseConfigSchema, { PORT: '0', MONGO_DB: 'openapi', LOG_LEVEL: 'silent' });
  const gatewayConfig = loadConfig(gatewayConfigSchema, { LOG_LEVEL: 'silent' });
  const services = [
    { service: 'recommendations', module: RecommendationsModule.forRoot(config) },
    { service: 'commitments', module: CommitmentsModule.forRoot(config) },
    { service: 'follow-up', module: FollowUpModule.forRoot(config) },
  ];
  const documents = [];
  for (const { service, module } of services)
    documents.push({ service, document: await documentOf(module, service) });
  const gateway = await documentOf(GatewayModule.forRoot(gatewayConfig), GATEWAY);
  return `${JSON.stringify(mergeOpenApi(gateway, documents, routeTable(gatewayConfig)), null, 2)}\n`;
};

if (require.main === module) {
  const out = process.argv[2] ? path.resolve(process.argv[2]) : OPENAPI_FILE;
  renderOpenApi()
    .then((text) => {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, text);
      process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      process.stderr.write(
        `openapi failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    });
}
