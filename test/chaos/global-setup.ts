/* Jest global setup of the chaos project: the servers come from deploy/local/chaos.sh (npm run test:chaos). */
import { compileForChildProcesses } from '../../libs/testing/src/test-build';

export default function globalSetup(): void {
  const missing = ['MONGO_URL', 'KAFKA_BROKERS', 'REDIS_URL'].filter((k) => !process.env[k]);
  if (missing.length > 0)
    throw new Error(`chaos: ${missing.join(', ')} not set; run the suite with \`npm run test:chaos\``);
  // CHAOS_MIN_BROKERS=1 runs the suites on a single broker (a shared machine where the 3-broker cluster
  // cannot take the usual ports); the broker-leader scenario then has nothing to kill.
  const minBrokers = Number(process.env.CHAOS_MIN_BROKERS ?? 3);
  if (process.env.KAFKA_BROKERS!.split(',').length < minBrokers)
    throw new Error('chaos: KAFKA_BROKERS must list the 3-broker cluster (deploy/local/kafka-cluster.sh)');
  // The four apps run as child processes from this build, so a SIGKILL kills exactly one of them.
  compileForChildProcesses();
}
