#!/usr/bin/env bash
# Installs npm dependencies when they are missing or older than package-lock.json. Non-interactive.
set -euo pipefail
TAG=deps
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

# Checked even when installed: a lock that only this machine can install must not reach CI.
node "$ROOT/scripts/check-lockfile.mjs" "$ROOT/package-lock.json" || die "package-lock.json would be refused by npm ci"
stamp="$ROOT/node_modules/.package-lock.json"
if [[ -x "$ROOT/node_modules/.bin/node" && -f "$stamp" && "$stamp" -nt "$ROOT/package-lock.json" ]]; then
  say "npm dependencies up to date"
  exit 0
fi
say "installing npm dependencies (npm ci, first time ~2-3 min; Node 24 comes with them as the 'node' dev dependency)..."
start=$SECONDS
(cd "$ROOT" && CI=true npm ci --no-audit --no-fund --loglevel=error 2>&1 | grep -v -e EBADENGINE -e 'Unknown user config' -e '^npm warn install-scripts' || true)
[[ -x "$ROOT/node_modules/.bin/node" ]] || die "npm ci did not install node_modules/.bin/node; see the output above"
touch "$stamp"
say "npm dependencies installed in $((SECONDS - start))s (node $("$ROOT/node_modules/.bin/node" --version))"
