import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { CHILD_BUILD_DIR, REPO_ROOT } from './infra-env';

const NODE = path.join(REPO_ROOT, 'node_modules/.bin/node');

export interface RunningChild {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal) and every JSON line the child printed on stdout. */
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: unknown[] }>;
  /** Resolves with the first stdout JSON line that satisfies `test`. */
  waitForLine(
    test: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

/**
 * Runs a compiled worker (path relative to the repo, e.g. `libs/event-store/src/testing/x.worker.ts`)
 * in a real child process, with `nodeFlags` before the script (e.g. heap limits). Workers speak JSON
 * lines on stdout.
 */
export const runWorker = (
  sourcePath: string,
  args: Record<string, unknown>,
  options: { readonly nodeFlags?: readonly string[] } = {},
): RunningChild => {
  const compiled = path.join(CHILD_BUILD_DIR, sourcePath.replace(/\.ts$/, '.js'));
  const child = spawn(NODE, [...(options.nodeFlags ?? []), compiled, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: {
    test: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: unknown[] }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        if (code !== 0 && signal === null) reject(new Error(`${sourcePath} exited with ${code}: ${stderr}`));
        else resolve({ code, signal, lines });
      });
    },
  );
  return {
    child,
    done,
    waitForLine: (test, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const found = lines.find(test);
        if (found) return resolve(found);
        const t = setTimeout(
          () =>
            reject(new Error(`${sourcePath}: no matching line within ${timeoutMs} ms; stderr: ${stderr}`)),
          timeoutMs,
        );
        waiters.push({
          test,
          resolve: (l) => {
            clearTimeout(t);
            resolve(l);
          },
        });
      }),
  };
};
