/* Jest setupFiles for int/e2e: puts the servers' addresses from the global setup into process.env. */
import fs from 'node:fs';
import { TEST_ENV_FILE, type InfraEnv } from './infra-env';

const env = JSON.parse(fs.readFileSync(TEST_ENV_FILE, 'utf8')) as InfraEnv;
process.env.MONGO_URL = env.MONGO_URL;
process.env.KAFKA_BROKERS = env.KAFKA_BROKERS;
process.env.REDIS_URL = env.REDIS_URL;
