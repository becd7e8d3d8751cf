/* Jest global setup of the chaos project: the servers come from deploy/local/chaos.sh (npm run test:chaos). */
import { compileForChildProcesses } from '../../libs/testing/src/test-build';

export default function globalSetup(): void {
  const missing = ['MONGO_URL', 'KAFKA_BROKERS', 'REDIS_URL'].filter((k) => !process.env[k]);
  if (missing.length > 0)
    throw new Error(`chaos: ${missing.join(', ')} not set; run the suite with \`npm run test:chaos\``);
  if (process.env.KAFKA_BROKERS!.split(',').length < 3)
    throw new Error('chaos: KAFKA_BROKERS must list the 3-broker cluster (deploy/local/kafka-cluster.sh)');
  // The four apps run as child processes from this build, so a SIGKILL kills exactly one of them.
  compileForChildProcesses();
}
