#!/usr/bin/env node
// Fails when package-lock.json names an optional dependency it has no entry for. `npm install` tolerates
// that (it happens when the registry mirror lacks a platform binary of the chosen version) but `npm ci`
// on a clean checkout refuses the whole lock — which is how CI broke once. Runs offline in well under 1 s.
import { readFileSync } from 'node:fs';

const lockPath = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages ?? {};

function resolves(fromPath, name) {
  // Node's lookup: the package's own node_modules, then each ancestor's, then the root.
  let base = fromPath;
  for (;;) {
    if (packages[`${base ? `${base}/` : ''}node_modules/${name}`]) return true;
    if (!base) return false;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

const missing = [];
for (const [path, entry] of Object.entries(packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!resolves(path, name)) missing.push(`${name} (optional dependency of ${path || 'the root'})`);
  }
}
if (missing.length > 0) {
  console.error(
    `[lockfile] ${missing.length} optional dependencies have no entry in ${lockPath}; npm ci will refuse it:`,
  );
  for (const line of missing.slice(0, 20)) console.error(`  ${line}`);
  console.error(
    '[lockfile] pin the parent to a version whose platform packages the registry serves (see package.json overrides).',
  );
  process.exit(1);
}
console.log(`[lockfile] ${Object.keys(packages).length} entries, every optional dependency resolvable`);
