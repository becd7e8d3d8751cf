import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm run audit|token|seed|openapi` go through deploy/local/build.sh: they run from the last build and
 * compile only when a source changed since. Before it, every call compiled the whole project first (over
 * a minute on a busy 2-core machine), so an auditor's one-line query waited for the compiler.
 */
const ROOT = path.resolve(__dirname, '..');
const BUILT_CLI = path.join(ROOT, 'dist/scripts/audit.js');
const SOURCE = path.join(ROOT, 'scripts/audit.ts');

const audit = (...args: string[]) => {
  const started = performance.now();
  const r = spawnSync('npm', ['run', '-s', 'audit', '--', ...args], { cwd: ROOT, encoding: 'utf8' });
  return {
    status: r.status,
    output: `${r.stdout}${r.stderr}`,
    stderr: r.stderr,
    seconds: (performance.now() - started) / 1000,
  };
};
const builtAt = (): number => fs.statSync(BUILT_CLI).mtimeMs;

describe('deploy/local/build.sh run (npm run audit)', () => {
  beforeAll(() => {
    const r = spawnSync('bash', [path.join(ROOT, 'deploy/local/build.sh'), '--if-stale'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
  }, 120_000);

  it('runs from the last build when the sources have not changed, within 2 s', () => {
    const before = builtAt();

    const run = audit('--help');

    expect(run.output).toContain('usage: npm run audit');
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('compiling');
    expect(builtAt()).toBe(before);
    expect(run.seconds).toBeLessThanOrEqual(2);
  });

  it('compiles first when a source changed since the last build, and only once', () => {
    const before = builtAt();
    // Touched, not edited: the file's content stays as it is for everyone else in the working tree.
    const now = new Date();
    fs.utimesSync(SOURCE, now, now);

    const first = audit('--help');
    const second = audit('--help');

    expect(first.status).toBe(0);
    expect(first.stderr).toContain('compiling');
    expect(builtAt()).toBeGreaterThan(before);
    expect(second.status).toBe(0);
    expect(second.stderr).not.toContain('compiling');
  }, 120_000);
});
