#!/usr/bin/env bash
# npm test: install what is missing, provision the real servers, type-check and lint, run every Jest suite
# (unit, int, e2e), and end with the line "N passed, N failed" from Jest's JSON summary.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT" || exit 1
bash "$HERE/deps.sh" || exit 1
NODE="$ROOT/node_modules/.bin/node"
bash "$HERE/infra.sh" up || exit 1
# The web app's browser tests run in Debian's chromium; installed here once, not in the middle of a suite.
bash "$HERE/chromium.sh" >/dev/null || exit 1
# The Helm chart's suite (test/e2e/k8s-chart) runs Helm and kubernetes-validate: built/installed once, cached.
bash "$HERE/k8s-tools.sh" || exit 1

status=0
echo "[test] type-checking (tsc --noEmit)..."
"$NODE" node_modules/.bin/tsc -p tsconfig.json --noEmit || status=1
# The web app is checked against the browser's types (DOM), not Node's: a project of its own.
"$NODE" node_modules/.bin/tsc -p apps/web/tsconfig.json --noEmit || status=1
echo "[test] linting (eslint, type-checked rules)..."
"$NODE" node_modules/.bin/eslint --max-warnings=0 . || status=1

# Default: every suite of the unit, int and e2e projects (chaos runs with `npm run test:chaos`).
[[ $# -gt 0 ]] || set -- --selectProjects unit int e2e
echo "[test] running unit, int and e2e suites against the real servers..."
bash "$HERE/jest-run.sh" test "$@" || status=1
exit $status
