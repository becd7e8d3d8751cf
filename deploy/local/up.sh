#!/usr/bin/env bash
# npm run up: install what is missing, start the servers and the four apps, load the Mali dataset, print the URLs.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
start=$SECONDS
bash "$HERE/deps.sh"
bash "$HERE/infra.sh" up
bash "$HERE/services.sh" up
if [[ -f "$ROOT/dist/scripts/seed.js" ]]; then
  echo "[up] loading the Mali dataset (idempotent)..."
  "$ROOT/node_modules/.bin/node" "$ROOT/dist/scripts/seed.js" --gateway http://127.0.0.1:3000
fi
token="$("$ROOT/node_modules/.bin/node" "$ROOT/dist/libs/auth/src/cli/token.js" --role secretariat)"
cat <<MSG

Tracker is up ($((SECONDS - start)) s).
  API (gateway)      http://127.0.0.1:3000/api
  OpenAPI / Swagger  http://127.0.0.1:3000/docs
  Health             http://127.0.0.1:3000/health
  Services           recommendations :3001 · commitments :3002 · follow-up :3003 (each with /health, /metrics)
  Logs               $ROOT/.local/logs/
  A development token (role secretariat, 8 h; others: npm run token -- --role auditor):
    export TOKEN=$token
    curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:3000/api/recommendations
  Stop everything:   npm run down
MSG
