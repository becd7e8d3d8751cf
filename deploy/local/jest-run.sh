#!/usr/bin/env bash
# Runs Jest with the given arguments and ends with the line "N passed, N failed" from Jest's JSON
# summary (.local/jest-results.json). Shared by test.sh (npm test) and chaos.sh (npm run test:chaos).
# Usage: jest-run.sh <label> [jest args...]; exit status 1 when Jest failed or no test ran.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT" || exit 1
label="${1:?usage: jest-run.sh <label> [jest args...]}"
shift
start=$SECONDS
NODE="$ROOT/node_modules/.bin/node"
status=0
results="$ROOT/.local/jest-results.json"
mkdir -p "$ROOT/.local"
rm -f "$results"
"$NODE" node_modules/.bin/jest --ci --maxWorkers="${JEST_WORKERS:-2}" --json --outputFile="$results" "$@" || status=1

if [[ -f "$results" ]]; then
  # shellcheck disable=SC2016 # the single-quoted text is JavaScript, not shell
  "$NODE" -e '
    const r = require(process.argv[1]);
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`[${process.argv[3]}] ${r.numTotalTestSuites} suites in ${process.argv[2]} s`);
    if (skipped) console.log(`[${process.argv[3]}] ${skipped} skipped or todo`);
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
    if (r.numTotalTests === 0) { console.error(`[${process.argv[3]}] no test ran`); process.exit(1); }
  ' "$results" "$((SECONDS - start))" "$label" || status=1
else
  echo "0 passed, 0 failed"
  echo "[$label] Jest wrote no results file" >&2
  status=1
fi
exit $status
