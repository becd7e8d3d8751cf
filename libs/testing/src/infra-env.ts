import fs from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
/** Written by the global setup, read by every test file: where the real servers are. */
export const TEST_ENV_FILE = path.join(REPO_ROOT, '.local', 'test-env.json');

/** Compiled copy of apps/ and libs/ for child processes started by tests. */
export const CHILD_BUILD_DIR = path.join(REPO_ROOT, '.local', 'test-build');

export interface InfraEnv {
  readonly MONGO_URL: string;
  readonly KAFKA_BROKERS: string;
  readonly REDIS_URL: string;
  readonly provider: 'native' | 'testcontainers' | 'external';
}

/** Parses `.local/env` (KEY=VALUE lines) written by deploy/local/infra.sh. */
export const readDotEnv = (file: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1]) out[m[1]] = (m[2] ?? '').replace(/^['"]|['"]$/g, '');
  }
  return out;
};
