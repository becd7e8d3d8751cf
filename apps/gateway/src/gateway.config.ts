import path from 'node:path';
import { z } from 'zod';
import { baseConfigSchema } from '@tracker/platform';

const url = z.url({ protocol: /^https?$/ });

export const gatewayConfigSchema = baseConfigSchema
  .pick({
    HOST: true,
    LOG_LEVEL: true,
    JWT_SECRET: true,
    JWT_ISSUER: true,
    JWT_PUBLIC_KEY: true,
    JWKS_URL: true,
  })
  .extend({
    PORT: baseConfigSchema.shape.PORT.default(3000),
    RECOMMENDATIONS_URL: url.default('http://127.0.0.1:3001'),
    COMMITMENTS_URL: url.default('http://127.0.0.1:3002'),
    FOLLOW_UP_URL: url.default('http://127.0.0.1:3003'),
    /** Largest request body forwarded, in bytes (imports have their own, larger limit). */
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(256 * 1024),
    IMPORT_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(40 * 1024 * 1024),
    /** Requests per minute per principal (or per IP without a token). */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    /** Imports parse and append tens of thousands of rows before they answer. */
    IMPORT_TIMEOUT_MS: z.coerce.number().int().min(100).default(600_000),
    /** How old a service's OpenAPI document may get before /docs-json asks the service again. */
    OPENAPI_REFRESH_SECONDS: z.coerce.number().int().min(1).default(60),
    /**
     * The staff web app's build (apps/web → dist/web), served at `/`. The default is where
     * `npm run build` puts it beside the compiled gateway (dist/apps/gateway/src → dist/web).
     */
    WEB_ROOT: z.string().min(1).default(path.resolve(__dirname, '../../../web')),
  });
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
