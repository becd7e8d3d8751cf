#!/usr/bin/env bash
# Builds and starts (or stops) the four apps as background processes with pidfiles and logs under .local/.
# Usage: services.sh up|down|status
set -euo pipefail
TAG=apps
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

NODE="$ROOT/node_modules/.bin/node"
# name:port, in start order (the gateway last: its health checks the others).
APPS=(recommendations:3001 commitments:3002 follow-up:3003 gateway:3000)

load_env() {
  [[ -f "$LOCAL/env" ]] || die "no $LOCAL/env: run 'npm run infra:up' first"
  set -a
  # shellcheck disable=SC1091
  source "$LOCAL/env"
  set +a
}

up() {
  load_env
  say "building (swc)..."
  (cd "$ROOT" && "$NODE" node_modules/.bin/swc apps libs scripts -d dist --config-file .swcrc --quiet \
    --ignore '**/*.spec.ts,**/*.int-spec.ts,**/*.e2e-spec.ts,**/*.conformance.ts' >/dev/null)
  local entry name port
  for entry in "${APPS[@]}"; do
    name="${entry%%:*}"
    port="${entry##*:}"
    # Restart so the code just built is what runs.
    if pid_of "$name" >/dev/null; then stop_pids "$name"; fi
    port_open "$port" && die "port $port is taken by another process ($(port_owner "$port" || echo unknown)); stop it or set PORT"
    say "$name: starting on 127.0.0.1:$port (log: $LOG_DIR/$name.log)"
    PORT="$port" LOG_LEVEL="${LOG_LEVEL:-info}" start_bg "$name" "$LOG_DIR/$name.log" "$NODE" --enable-source-maps "$ROOT/dist/apps/$name/src/main.js"
  done
  for entry in "${APPS[@]}"; do
    name="${entry%%:*}"
    port="${entry##*:}"
    wait_until "$name /health" "${APP_READY_TIMEOUT:-90}" "$LOG_DIR/$name.log" "$name" \
      curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$port/health"
  done
  say "all four apps are ready"
}

down() {
  stop_pids gateway follow-up commitments recommendations
}

status() {
  local entry name
  for entry in "${APPS[@]}"; do
    name="${entry%%:*}"
    if pid="$(pid_of "$name")"; then say "$name: running (pid $pid, port ${entry##*:})"; else say "$name: stopped"; fi
  done
}

case "${1:-}" in status | "") ;; *) infra_lock ;; esac
case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: services.sh up|down|status" ;;
esac
