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
  INSTANCE_ID: z.string().default(() => `${process.pid}`),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

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
  INSTANCE_ID: { description: 'identifies this process in leases and logs', sensitive: false },
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
