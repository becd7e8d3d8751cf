#!/usr/bin/env bash
# Redis (Debian redis-server) on 127.0.0.1:$REDIS_PORT with AOF, data under .local/redis/data.
# Usage: redis.sh up|down|status|restart|restart-empty
set -euo pipefail
TAG=infra
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_READY_TIMEOUT="${REDIS_READY_TIMEOUT:-$READY_TIMEOUT}"
DATA="$LOCAL/redis/data"
LOG="$LOG_DIR/redis.log"
NAME=redis

ensure_installed() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    return 0
  fi
  say "redis: redis-server/redis-cli missing, installing with apt-get (once)..."
  apt_install "$LOG" redis-server redis-tools
  say "redis: installed $(redis-server --version | cut -d' ' -f1-3)"
}

ready() { [[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]; }

up() {
  local pid
  if pid="$(alive_or_adopt "$NAME" "$REDIS_PORT")"; then
    require_on_port redis "$pid" "$REDIS_PORT"
    if ready; then
      report redis "running, left as is (pid $pid, 127.0.0.1:$REDIS_PORT)"
      return 0
    fi
    wait_until redis "$REDIS_READY_TIMEOUT" "$LOG" "$NAME@$REDIS_PORT" ready
    report redis "running, left as is (pid $pid; it was still starting)"
    return 0
  fi
  ensure_installed
  if port_open 127.0.0.1 "$REDIS_PORT"; then
    local who
    who="$(port_owner "$REDIS_PORT")"
    if ready; then
      die "redis: a Redis NOT started by these scripts already answers on 127.0.0.1:$REDIS_PORT (${who:-unknown process}; a system redis-server service?). Stop it (e.g. 'service redis-server stop') or choose another REDIS_PORT."
    fi
    die "redis: port 127.0.0.1:$REDIS_PORT is taken by another process (${who:-unknown}); set REDIS_PORT."
  fi
  mkdir -p "$DATA"
  say "redis: starting on 127.0.0.1:$REDIS_PORT (AOF, data $DATA, log $LOG)..."
  start_bg "$NAME" "$LOG" "$(command -v redis-server)" \
    --port "$REDIS_PORT" --bind 127.0.0.1 --appendonly yes --dir "$DATA" \
    --daemonize no --logfile "" --pidfile "" --save ""
  wait_until redis "$REDIS_READY_TIMEOUT" "$LOG" "$NAME@$REDIS_PORT" ready
  report redis "started (pid $(pid_of "$NAME"), 127.0.0.1:$REDIS_PORT)"
}

down() {
  alive_or_adopt "$NAME" "$REDIS_PORT" >/dev/null || true
  stop_pid "$NAME"
}

status() {
  local pid
  if pid="$(pid_of "$NAME")"; then
    if ready; then
      say "redis: running (pid $pid) redis://127.0.0.1:$REDIS_PORT - PONG"
    else
      say "redis: process $pid alive but NOT answering PING on $REDIS_PORT"
      return 1
    fi
  else
    say "redis: stopped"
    return 3
  fi
}

case "${1:-}" in status | "") ;; *) infra_lock ;; esac
case "${1:-}" in
up) up ;;
down) down ;;
status) status ;;
restart)
  if [[ "${REDIS_FLUSH_RESTART:-0}" == "1" ]]; then
    down
    rm -rf "$DATA"
    say "redis: data dir wiped"
  else
    down
  fi
  up
  ;;
restart-empty)
  down
  rm -rf "$DATA"
  say "redis: data dir wiped"
  up
  ;;
*)
  echo "usage: $0 up|down|status|restart|restart-empty   (env: REDIS_PORT, REDIS_FLUSH_RESTART=1)" >&2
  exit 2
  ;;
esac
