import 'reflect-metadata';
import { loadConfig } from '@tracker/platform';
import { gatewayConfigSchema } from './gateway.config';
import { SERVICE_NAME, startGateway } from './gateway.module';

const main = async (): Promise<void> => {
  const { url } = await startGateway(loadConfig(gatewayConfigSchema));
  process.stdout.write(`${SERVICE_NAME} listening on ${url}\n`);
};

main().catch((err: unknown) => {
  process.stderr.write(
    `${SERVICE_NAME} failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
