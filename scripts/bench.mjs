#!/usr/bin/env node
// `npm run bench -- <name> [args...]` runs the benchmark in bench/<name>/:
//   bench/<name>/main.mjs  runs as is;
//   bench/<name>/main.ts   is compiled with swc (with apps, libs, scripts, test/support and the other
//                          benches, whose helpers it may share, so it can boot services) into dist/, then run.
// The servers come from the environment or from .local/env (written by `npm run infra:up`).
// Each benchmark prints its own one-line result; see bench/<name>/README.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
const available = () =>
  fs
    .readdirSync(path.join(root, 'bench'), { withFileTypes: true })
    .filter((d) => ['main.ts', 'main.mjs'].some((f) => fs.existsSync(path.join(root, 'bench', d.name, f))))
    .map((d) => d.name);

if (!name || !/^[a-z0-9-]+$/.test(name) || !fs.existsSync(path.join(root, 'bench', name))) {
  process.stderr.write(`usage: npm run bench -- <name>   (available: ${available().join(', ') || 'none'})\n`);
  process.exit(2);
}

const env = { ...process.env };
const envFile = path.join(root, '.local', 'env');
if (fs.existsSync(envFile)) {
  for (const line of fs.readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m && env[m[1]] === undefined) env[m[1]] = m[2];
  }
}

const run = (cmd, argv) => {
  const r = spawnSync(cmd, argv, { cwd: root, env, stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
};

const dir = path.join(root, 'bench', name);
if (fs.existsSync(path.join(dir, 'main.mjs'))) {
  process.exit(run(process.execPath, [path.join(dir, 'main.mjs'), ...args]));
}
if (!fs.existsSync(path.join(dir, 'main.ts'))) {
  process.stderr.write(`bench/${name} has neither main.mjs nor main.ts\n`);
  process.exit(2);
}
const swc = path.join(root, 'node_modules', '.bin', 'swc');
const built = run(swc, [
  'apps',
  'libs',
  'scripts',
  'test/support',
  'bench',
  '-d',
  'dist',
  '--config-file',
  '.swcrc',
  '--quiet',
  '--ignore',
  '**/*.spec.ts,**/*.int-spec.ts,**/*.e2e-spec.ts,**/*.conformance.ts,bench/event-store/emmett/**',
]);
if (built !== 0) process.exit(built);
process.exit(
  run(process.execPath, ['--enable-source-maps', path.join(root, 'dist', 'bench', name, 'main.js'), ...args]),
);
