#!/usr/bin/env bash
# Local infrastructure without Docker: Kafka (single node), MongoDB wire (FerretDB/mongod/MONGO_URL)
# and Redis, all under <repo>/.local. See deploy/local/README.md.
# Usage: infra.sh up|down|status|restart
set -euo pipefail
TAG=infra
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
REDIS_PORT="${REDIS_PORT:-6379}"
ENV_FILE="$LOCAL/env"

# KEY=VALUE, single-quoted only if the value has shell-special characters.
env_line() {
  if [[ "$2" =~ ^[A-Za-z0-9_./:@,+%=-]*$ ]]; then
    printf '%s=%s\n' "$1" "$2"
  else
    printf "%s='%s'\n" "$1" "${2//\'/\'\\\'\'}"
  fi
}

up() {
  local start=$SECONDS
  say "up: servers under $LOCAL (logs in $LOG_DIR)"
  "$HERE/redis.sh" up
  "$HERE/kafka.sh" up
  "$HERE/mongo.sh" up
  {
    env_line MONGO_URL "$(cat "$RUN_DIR/mongo.url")"
    env_line KAFKA_BROKERS "127.0.0.1:$KAFKA_PORT"
    env_line REDIS_URL "redis://127.0.0.1:$REDIS_PORT"
  } >"$ENV_FILE.tmp"
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
  say "up: all ready in $((SECONDS - start))s; wrote $ENV_FILE:"
  sed 's/^/    /' "$ENV_FILE"
}

down() {
  "$HERE/kafka.sh" down
  "$HERE/mongo.sh" down
  "$HERE/redis.sh" down
  if compgen -G "$RUN_DIR/kafka-cluster-*.pid" >/dev/null; then
    "$HERE/kafka-cluster.sh" down
  fi
  local left
  left="$(strays | tr '\n' ' ')"
  if [[ -n "${left// /}" ]]; then
    warn "down: stray processes of ours without pidfile: $left- terminating"
    # shellcheck disable=SC2086
    kill -TERM $left 2>/dev/null || true
    sleep "${STOP_TIMEOUT}" &
    local waiter=$!
    while [[ -n "$(strays)" ]] && kill -0 "$waiter" 2>/dev/null; do sleep 0.2; done
    kill "$waiter" 2>/dev/null || true
    left="$(strays | tr '\n' ' ')"
    # shellcheck disable=SC2086
    [[ -z "${left// /}" ]] || kill -KILL $left 2>/dev/null || true
    sleep 0.5
    [[ -z "$(strays)" ]] || die "down: processes still alive: $(strays | tr '\n' ' ')"
  fi
  rm -f "$ENV_FILE"
  say "down: nothing of ours is running"
}

status() {
  local rc=0
  "$HERE/redis.sh" status || rc=1
  "$HERE/kafka.sh" status || rc=1
  "$HERE/mongo.sh" status || rc=1
  if compgen -G "$RUN_DIR/kafka-cluster-*.pid" >/dev/null; then
    "$HERE/kafka-cluster.sh" status || true
  fi
  if [[ -f "$ENV_FILE" ]]; then say "env file: $ENV_FILE"; fi
  return "$rc"
}

case "${1:-}" in status | "") ;; *) infra_lock ;; esac
case "${1:-}" in
up) up ;;
down) down ;;
status) status ;;
restart)
  down
  up
  ;;
*)
  echo "usage: $0 up|down|status|restart" >&2
  exit 2
  ;;
esac
