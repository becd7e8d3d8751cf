import path from 'node:path';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, signDevToken } from '@tracker/auth';
import { httpSeedClient, type SeedClient, type Summary } from './seed/client';
import { seed as seedAssessments } from './seed/assessments';
import { seed as seedClusters } from './seed/clusters';
import { seed as seedCommitments } from './seed/commitments';
import { seed as seedRecipients } from './seed/recipients';
import { seed as seedRecommendations } from './seed/recommendations';

/**
 * `npm run seed [-- --gateway URL --data DIR]`: loads the Mali dataset through the gateway's REST API,
 * one module per bounded context, plus the cluster titles, in dependency order (commitments link
 * recommendations, assessments link both), then the development recipients of alert mail (fixtures at
 * @example.org, scripts/seed/recipients.ts). Every module is idempotent, so a second run creates nothing.
 */
type SeedModule = (client: SeedClient, dataDir: string) => Promise<Summary>;

const MODULES: readonly SeedModule[] = [
  seedRecommendations,
  seedClusters,
  seedCommitments,
  seedAssessments,
  seedRecipients,
];

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};

export const runSeed = async (client: SeedClient, dataDir: string, modules = MODULES): Promise<Summary[]> => {
  const summaries: Summary[] = [];
  for (const m of modules) {
    const s = await m(client, dataDir);
    client.log(
      `${s.context}: ${s.read} read, ${s.created} created, ${s.unchanged} unchanged, ${s.failed} failed`,
    );
    summaries.push(s);
  }
  return summaries;
};

const main = async (): Promise<void> => {
  const gateway = arg('gateway', process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000');
  const dataDir = path.resolve(arg('data', path.join(process.cwd(), 'data', 'mali')));
  const token = signDevToken(
    {
      secret: process.env.JWT_SECRET ?? DEV_JWT_SECRET,
      issuer: process.env.JWT_ISSUER ?? DEFAULT_JWT_ISSUER,
    },
    { sub: 'system:seed', role: 'admin', institution: null },
  );
  const log = (m: string): void => void process.stdout.write(`${m}\n`);
  log(`seeding ${dataDir} through ${gateway}`);
  const summaries = await runSeed(httpSeedClient(gateway, token, log), dataDir);
  const failed = summaries.reduce((n, s) => n + s.failed, 0);
  const created = summaries.reduce((n, s) => n + s.created, 0);
  log(`seed done: ${created} created, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
};

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
