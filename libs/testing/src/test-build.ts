import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { CHILD_BUILD_DIR, REPO_ROOT } from './infra-env';

/**
 * Tests that need several real processes (concurrent writers, a relay or a whole app killed with SIGKILL)
 * run compiled JavaScript in child processes; swc builds apps/ and libs/ into CHILD_BUILD_DIR once per
 * run, in about a second.
 */
export const compileForChildProcesses = (): void => {
  execFileSync(
    path.join(REPO_ROOT, 'node_modules/.bin/swc'),
    [
      'apps',
      'libs',
      '-d',
      CHILD_BUILD_DIR,
      '--config-file',
      '.swcrc',
      '--quiet',
      '--ignore',
      '**/*.spec.ts,**/*.int-spec.ts,**/*.e2e-spec.ts',
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
};
