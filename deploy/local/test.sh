#!/usr/bin/env bash
# npm test: install what is missing, provision the real servers, type-check and lint, run every Jest suite
# (unit, int, e2e), and end with the line "N passed, N failed" from Jest's JSON summary.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT" || exit 1
start=$SECONDS
bash "$HERE/deps.sh" || exit 1
NODE="$ROOT/node_modules/.bin/node"
bash "$HERE/infra.sh" up || exit 1

status=0
echo "[test] type-checking (tsc --noEmit)..."
"$NODE" node_modules/.bin/tsc -p tsconfig.json --noEmit || status=1
echo "[test] linting (eslint, type-checked rules)..."
"$NODE" node_modules/.bin/eslint --max-warnings=0 . || status=1

# Default: every suite but the minutes-long ones in test/slow (`npm run test:slow`).
[[ $# -gt 0 ]] || set -- --selectProjects unit int e2e
results="$ROOT/.local/jest-results.json"
rm -f "$results"
echo "[test] running unit, int and e2e suites against the real servers..."
"$NODE" node_modules/.bin/jest --ci --maxWorkers="${JEST_WORKERS:-2}" --json --outputFile="$results" "$@" || status=1

if [[ -f "$results" ]]; then
  # shellcheck disable=SC2016 # the single-quoted text is JavaScript, not shell
  "$NODE" -e '
    const r = require(process.argv[1]);
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`[test] ${r.numTotalTestSuites} suites in ${process.argv[2]} s`);
    if (skipped) console.log(`[test] ${skipped} skipped or todo`);
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
    if (r.numTotalTests === 0) { console.error("[test] no test ran"); process.exit(1); }
  ' "$results" "$((SECONDS - start))" || status=1
else
  echo "0 passed, 0 failed"
  echo "[test] Jest wrote no results file" >&2
  status=1
fi
exit $status
