import { hostname } from 'node:os';
import { z } from 'zod';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET } from '@tracker/auth';

/**
 * Every service reads its settings once, at boot, through a zod schema; a bad or missing variable stops
 * the process with a list of what is wrong instead of failing later at first use. Each variable says
 * what it is for and whether it is sensitive (sensitive values are never logged).
 */
export interface ConfigVariable {
  readonly description: string;
  readonly sensitive: boolean;
}

const csv = z
  .string()
  .min(1)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 86_400;
export const DEFAULT_MONGO_MAX_POOL_SIZE = 10;
export const DEFAULT_RELAY_POLL_INTERVAL_MS = 5_000;
export const DEFAULT_RELAY_LEASE_TTL_MS = 15_000;

export const baseConfigSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MONGO_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL')
    .default('mongodb://127.0.0.1:27017'),
  MONGO_DB: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/),
  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(''),
  JWT_SECRET: z.string().min(16, 'must be at least 16 characters').default(DEV_JWT_SECRET),
  JWT_ISSUER: z.string().default(DEFAULT_JWT_ISSUER),
  /** RS256 public key (PEM; `\n` escapes allowed): when set, only RS256 tokens signed by it pass. */
  JWT_PUBLIC_KEY: z
    .string()
    .transform((s) => s.replace(/\\n/g, '\n'))
    .refine((s) => s.includes('-----BEGIN'), 'must be a PEM public key')
    .optional(),
  /** JWKS endpoint of the identity provider: when set, only RS256 tokens whose `kid` it lists pass. */
  JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Expected `aud` of bearer tokens (an OpenID provider's access tokens name the API they are for). */
  JWT_AUDIENCE: z.string().min(1).max(200).optional(),
  /**
   * The host name too: in containers every replica is pid 1, and two relays owning one lease under the
   * same name would both publish.
   */
  INSTANCE_ID: z.string().default(() => `${hostname()}-${process.pid}`),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default(DEFAULT_REDIS_URL),
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().min(60).default(DEFAULT_IDEMPOTENCY_TTL_SECONDS),
  /**
   * The MongoDB driver's connection pool per service. These machines have 2 cores: more connections
   * only queue the same work inside FerretDB and PostgreSQL (ADR 0005, "idle stack").
   */
  MONGO_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(DEFAULT_MONGO_MAX_POOL_SIZE),
  /**
   * The outbox relay's safety-net poll: a local append wakes the relay at once (service-lifecycle.ts);
   * the poll only finds commits appended by other processes, so it is slow.
   */
  RELAY_POLL_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(DEFAULT_RELAY_POLL_INTERVAL_MS),
  /** The relay lease: renewed (by `_id`) when half of it is left; another instance takes over after it. */
  RELAY_LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(300_000).default(DEFAULT_RELAY_LEASE_TTL_MS),
});
type ParsedBaseConfig = z.infer<typeof baseConfigSchema>;
/** Settings added after the walking skeleton are optional in the type so hand-built configs (tests) stay valid; `loadConfig` always fills them. */
type LaterSettings =
  | 'REDIS_URL'
  | 'IDEMPOTENCY_TTL_SECONDS'
  | 'JWT_PUBLIC_KEY'
  | 'JWKS_URL'
  | 'JWT_AUDIENCE'
  | 'MONGO_MAX_POOL_SIZE'
  | 'RELAY_POLL_INTERVAL_MS'
  | 'RELAY_LEASE_TTL_MS';
export type BaseConfig = Omit<ParsedBaseConfig, LaterSettings> &
  Partial<Pick<ParsedBaseConfig, LaterSettings>>;

export const baseConfigDocs: Record<keyof BaseConfig, ConfigVariable> = {
  HOST: { description: 'interface to listen on', sensitive: false },
  PORT: { description: 'HTTP port of this service (0 = any free port)', sensitive: false },
  LOG_LEVEL: { description: 'pino log level', sensitive: false },
  MONGO_URL: { description: 'MongoDB-wire server (MongoDB 7 or FerretDB 1.24)', sensitive: true },
  MONGO_DB: { description: "this service's own database (one per service)", sensitive: false },
  KAFKA_BROKERS: { description: 'comma-separated Kafka bootstrap brokers', sensitive: false },
  KAFKA_TOPIC_PREFIX: {
    description: 'prefix for every topic name (tests isolate suites with it)',
    sensitive: false,
  },
  JWT_SECRET: { description: 'HS256 secret for bearer tokens (development)', sensitive: true },
  JWT_ISSUER: { description: 'expected `iss` of bearer tokens', sensitive: false },
  JWT_PUBLIC_KEY: { description: 'RS256 public key (PEM) for bearer tokens (production)', sensitive: false },
  JWKS_URL: { description: 'JWKS endpoint whose RS256 keys (by kid) sign bearer tokens', sensitive: false },
  JWT_AUDIENCE: { description: 'expected `aud` of bearer tokens (unchecked when unset)', sensitive: false },
  INSTANCE_ID: { description: 'identifies this process in leases and logs', sensitive: false },
  REDIS_URL: { description: 'Redis for idempotency keys (and queues where used)', sensitive: true },
  IDEMPOTENCY_TTL_SECONDS: {
    description: 'how long a POST answer is kept for replay under its Idempotency-Key',
    sensitive: false,
  },
  MONGO_MAX_POOL_SIZE: {
    description: 'MongoDB driver connections per service (sized for 2 cores)',
    sensitive: false,
  },
  RELAY_POLL_INTERVAL_MS: {
    description:
      'outbox relay safety-net poll (ms) for commits appended by other processes; local appends wake it at once',
    sensitive: false,
  },
  RELAY_LEASE_TTL_MS: {
    description:
      'outbox relay lease (ms): renewed when half is left; keep it at least twice RELAY_POLL_INTERVAL_MS, or idle polls re-acquire it',
    sensitive: false,
  },
};

export class ConfigError extends Error {}

/** Parses `env` with `schema`; throws ConfigError naming every bad variable. */
export const loadConfig = <S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> => {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
};
