#!/usr/bin/env bash
# npm run up: install what is missing, start the servers and the four apps, load the Mali dataset, print the URLs.
# Idempotent: what runs and is healthy is left running (services.sh says how apps are judged); the
# summary says, for each server and app, whether it was left as is, started or restarted, and why.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
start=$SECONDS
GATEWAY="http://127.0.0.1:${APPS_BASE_PORT:-3000}"
UP_REPORT="$(mktemp)"
export UP_REPORT
trap 'rm -f "$UP_REPORT"' EXIT
bash "$HERE/deps.sh"
bash "$HERE/infra.sh" up
bash "$HERE/mailcatcher.sh" up
bash "$HERE/services.sh" up
# Every run, even when nothing was started: the seed creates only what the databases lack (a second run
# reads the dataset back and creates nothing, ~2 s), so data lost or added since the last run is seen.
echo "[up] loading the Mali dataset (only what is missing)..."
"$ROOT/node_modules/.bin/node" "$ROOT/dist/scripts/seed.js" --gateway "$GATEWAY"
token="$("$ROOT/node_modules/.bin/node" "$ROOT/dist/libs/auth/src/cli/token.js" --role secretariat)"
base="${APPS_BASE_PORT:-3000}"
cat <<MSG

Tracker is up ($((SECONDS - start)) s).
$(cat "$UP_REPORT")
  Web app            $GATEWAY/   (development sign-in: pick a role)
  API (gateway)      $GATEWAY/api
  OpenAPI / Swagger  $GATEWAY/docs
  Health             $GATEWAY/health
  Services           recommendations :$((base + 1)) · commitments :$((base + 2)) · follow-up :$((base + 3)) (each with /health, /metrics)
  Mail (catcher)     http://127.0.0.1:${MAILDEV_WEB_PORT:-1080}/   (every mail the apps send, e.g. alerts to the development recipients)
  Logs               $ROOT/.local/logs/
  A development token (role secretariat, 8 h; others: npm run token -- --role auditor):
    export TOKEN=$token
    curl -H "Authorization: Bearer \$TOKEN" $GATEWAY/api/recommendations
  Stop everything:   npm run down
MSG
