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
    JWT_AUDIENCE: true,
    // The rate limit is counted in Redis, under the namespace the services give their topics and queues.
    REDIS_URL: true,
    KAFKA_TOPIC_PREFIX: true,
    INSTANCE_ID: true,
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
    /** Requests per minute per principal (or per IP without a token), across every gateway instance. */
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
    /**
     * The organisation's OpenID Connect provider, for the web app's sign-in (authorization code + PKCE,
     * in the browser): its issuer URL, the web app's public client id, the scopes asked for and the
     * resource indicator (RFC 8707) naming this API, for providers that issue access tokens per resource.
     */
    OIDC_ISSUER: url.optional(),
    OIDC_CLIENT_ID: z.string().min(1).max(200).optional(),
    OIDC_SCOPE: z
      .string()
      .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'must be space-separated scopes')
      .refine((s) => s.split(' ').includes('openid'), 'must include openid')
      .default('openid'),
    OIDC_RESOURCE: z.url().optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.OIDC_ISSUER) return;
    const fail = (path: string, message: string): void =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (!c.OIDC_CLIENT_ID) fail('OIDC_CLIENT_ID', 'is required with OIDC_ISSUER');
    // The provider's access tokens are what the API then verifies: with its keys, its issuer name.
    if (!c.JWKS_URL) fail('JWKS_URL', "is required with OIDC_ISSUER (the provider's jwks_uri)");
    if (c.JWT_ISSUER !== c.OIDC_ISSUER) fail('JWT_ISSUER', 'must equal OIDC_ISSUER (the iss of its tokens)');
    // Codes and tokens in clear text only where they never leave the machine.
    const issuer = new URL(c.OIDC_ISSUER);
    if (issuer.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname))
      fail('OIDC_ISSUER', 'must be https (http only on the loopback interface)');
  });
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
