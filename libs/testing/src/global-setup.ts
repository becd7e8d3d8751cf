/* Jest global setup for int and e2e suites: real servers, from Testcontainers or from deploy/local. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dockerDaemonAnswers } from './docker';
import { readDotEnv, REPO_ROOT, TEST_ENV_FILE, type InfraEnv } from './infra-env';
import { compileForChildProcesses } from './test-build';

const log = (msg: string): void => void process.stderr.write(`[test-infra] ${msg}\n`);

const viaTestcontainers = async (): Promise<InfraEnv> => {
  // Loaded lazily: on machines without Docker the module is never touched.
  const { GenericContainer, Wait } = await import('testcontainers');
  const mongo = await new GenericContainer('mongo:7')
    .withExposedPorts(27017)
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
  const redis = await new GenericContainer('redis:7')
    .withCommand(['redis-server', '--appendonly', 'yes'])
    .withExposedPorts(6379)
    .start();
  // The apache/kafka image advertises localhost:9092, so the host port is fixed to match.
  const kafka = await new GenericContainer('apache/kafka:4.1.0')
    .withExposedPorts({ container: 9092, host: 9092 })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return {
    provider: 'testcontainers',
    MONGO_URL: `mongodb://${mongo.getHost()}:${mongo.getMappedPort(27017)}`,
    REDIS_URL: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    KAFKA_BROKERS: `${kafka.getHost()}:9092`,
  };
};

const viaNative = (): InfraEnv => {
  log('no Docker daemon answers: provisioning the native servers (deploy/local/infra.sh up)');
  execFileSync('bash', [path.join(REPO_ROOT, 'deploy/local/infra.sh'), 'up'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const env = readDotEnv(path.join(REPO_ROOT, '.local', 'env'));
  const need = (k: string): string => {
    const v = env[k];
    if (!v) throw new Error(`.local/env has no ${k}; see .local/logs/`);
    return v;
  };
  return {
    provider: 'native',
    MONGO_URL: need('MONGO_URL'),
    KAFKA_BROKERS: need('KAFKA_BROKERS'),
    REDIS_URL: need('REDIS_URL'),
  };
};

export default async function globalSetup(): Promise<void> {
  compileForChildProcesses();
  const env: InfraEnv = (await dockerDaemonAnswers()) ? await viaTestcontainers() : viaNative();
  fs.mkdirSync(path.dirname(TEST_ENV_FILE), { recursive: true });
  fs.writeFileSync(TEST_ENV_FILE, JSON.stringify(env, null, 2));
  log(
    `servers (${env.provider}): mongo ${env.MONGO_URL.replace(/\/\/[^@]*@/, '//***@')}, kafka ${env.KAFKA_BROKERS}, redis ${env.REDIS_URL}`,
  );
}
