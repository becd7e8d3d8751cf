import type { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { signDevToken, DEV_JWT_SECRET, DEFAULT_JWT_ISSUER, type Role } from '@tracker/auth';
import { startApp, type BaseConfig } from '@tracker/platform';
import { testNamespace, type TestNamespace } from '@tracker/testing';
import { CommitmentsModule } from '../../apps/commitments/src/commitments.module';
import type { DeadlineOptions } from '../../apps/commitments/src/infrastructure/deadline-scheduler';
import { FollowUpModule } from '../../apps/follow-up/src/follow-up.module';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config';
import { startGateway } from '../../apps/gateway/src/gateway.module';
import { RecommendationsModule } from '../../apps/recommendations/src/recommendations.module';

export interface Stack {
  readonly gatewayUrl: string;
  readonly ns: TestNamespace;
  readonly urls: Record<'recommendations' | 'commitments' | 'follow-up', string>;
  token(role: Role, institution?: string): string;
  /** Another gateway in front of the same services, e.g. with a low rate limit; closed with the stack. */
  startGateway(env?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Extra gateway variables (as in the environment), e.g. `{ RATE_LIMIT_PER_MINUTE: '3' }`. */
  readonly gateway?: Record<string, string>;
  /** Lapse timers are off unless asked for: most tests lapse commitments by hand (POST /lapse). */
  readonly deadlines?: DeadlineOptions;
}

/**
 * The four apps, in this process, on free ports, against the real servers from the global setup, in
 * databases and topics of their own.
 */
export const startStack = async (
  overrides: Partial<BaseConfig> = {},
  options: StackOptions = {},
): Promise<Stack> => {
  const ns = testNamespace();
  const base = (service: string): BaseConfig => ({
    HOST: '127.0.0.1',
    PORT: 0,
    LOG_LEVEL: 'error',
    MONGO_URL: process.env.MONGO_URL!,
    MONGO_DB: ns.db(service),
    KAFKA_BROKERS: process.env.KAFKA_BROKERS!.split(','),
    KAFKA_TOPIC_PREFIX: ns.topicPrefix,
    JWT_SECRET: DEV_JWT_SECRET,
    JWT_ISSUER: DEFAULT_JWT_ISSUER,
    INSTANCE_ID: `${ns.id}-${service}`,
    REDIS_URL: process.env.REDIS_URL!,
    ...overrides,
  });
  const apps: INestApplication[] = [];
  const start = async (service: string, module: Parameters<typeof startApp>[0]): Promise<string> => {
    const started = await startApp(module, base(service));
    apps.push(started.app);
    return started.url;
  };
  const urls = {
    recommendations: await start('recommendations', RecommendationsModule.forRoot(base('recommendations'))),
    commitments: await start(
      'commitments',
      CommitmentsModule.forRoot(base('commitments'), {
        timers: false,
        ...options.deadlines,
      }),
    ),
    'follow-up': await start('follow-up', FollowUpModule.forRoot(base('follow-up'))),
  };
  // The gateway verifies tokens the way the services do.
  const jwtEnv: Record<string, string> = {};
  for (const k of ['JWT_SECRET', 'JWT_ISSUER', 'JWT_PUBLIC_KEY', 'JWKS_URL', 'JWT_AUDIENCE'] as const) {
    const v = overrides[k];
    if (typeof v === 'string') jwtEnv[k] = v;
  }
  const gatewayAt = async (env: Record<string, string> = {}): Promise<string> => {
    const gateway = await startGateway(
      gatewayConfigSchema.parse({
        PORT: '0',
        LOG_LEVEL: 'error',
        // The rate limit is counted in Redis: in the suite's namespace, so suites never share a count.
        REDIS_URL: process.env.REDIS_URL!,
        KAFKA_TOPIC_PREFIX: ns.topicPrefix,
        INSTANCE_ID: `${ns.id}-gateway`,
        RECOMMENDATIONS_URL: urls.recommendations,
        COMMITMENTS_URL: urls.commitments,
        FOLLOW_UP_URL: urls['follow-up'],
        ...jwtEnv,
        ...options.gateway,
        ...env,
      }),
    );
    apps.push(gateway.app);
    return gateway.url;
  };
  const gatewayUrl = await gatewayAt();
  return {
    gatewayUrl,
    startGateway: gatewayAt,
    ns,
    urls,
    token: (role, institution) =>
      signDevToken(
        { secret: DEV_JWT_SECRET, issuer: DEFAULT_JWT_ISSUER },
        { sub: `test-${role}`, role, institution: institution ?? null },
      ),
    close: async () => {
      for (const app of apps.reverse()) await app.close();
      const client = await MongoClient.connect(process.env.MONGO_URL!);
      try {
        for (const service of ['recommendations', 'commitments', 'follow-up'])
          await client.db(ns.db(service)).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
};

/** The stack of a describe block, as its tests see it (set before the first test runs). */
export interface SuiteStack {
  readonly stack: Stack;
  /** `Bearer <development token>` for a role. */
  bearer(role: Parameters<Stack['token']>[0]): string;
}

/** One stack for a describe block: started before its tests, closed after them. */
export const stackForSuite = (
  overrides: Partial<BaseConfig> = {},
  options: StackOptions = {},
): SuiteStack => {
  let started: Stack | undefined;
  beforeAll(async () => {
    started = await startStack(overrides, options);
  });
  afterAll(async () => {
    await started?.close();
  });
  const stack = (): Stack => {
    if (!started) throw new Error('the suite stack is read before beforeAll started it');
    return started;
  };
  return {
    get stack() {
      return stack();
    },
    bearer: (role) => `Bearer ${stack().token(role)}`,
  };
};
