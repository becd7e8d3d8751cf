#!/usr/bin/env bash
# Single-node Apache Kafka 4.x (KRaft, combined broker+controller) on 127.0.0.1:$KAFKA_PORT.
# Usage: kafka.sh up|down|status|restart|reset|tool <alias|class> [args...]
#   tool aliases: topics, console-producer, console-consumer, consumer-groups, producer-perf,
#                 consumer-perf, metadata-quorum, storage (e.g. kafka.sh tool topics --list)
# Only one of kafka.sh / kafka-cluster.sh can run at a time with default ports (both use 9092).
set -euo pipefail
TAG=infra
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
# shellcheck source=kafka/common.sh
source "$LIB_DIR/kafka/common.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_PARTITIONS="${KAFKA_PARTITIONS:-3}"
NAME=kafka
PROPS="$KAFKA_HOME/server.properties"
DATA="$KAFKA_HOME/data"
LOG="$LOG_DIR/kafka.log"
LAYOUT="$KAFKA_PORT $KAFKA_CONTROLLER_PORT"

up() {
  local pid
  if pid="$(alive_or_adopt "$NAME" "$KAFKA_PORT")"; then
    require_on_port kafka "$pid" "$KAFKA_PORT"
    if kafka_ready "$KAFKA_PORT" 1; then
      report kafka "running, left as is (pid $pid, 127.0.0.1:$KAFKA_PORT)"
      return 0
    fi
    wait_until kafka "$KAFKA_READY_TIMEOUT" "$LOG" "$NAME@$KAFKA_PORT" kafka_ready "$KAFKA_PORT" 1
    report kafka "running, left as is (pid $pid; it was still starting)"
    return 0
  fi
  if pid_of kafka-cluster-1 >/dev/null || pid_of kafka-cluster-2 >/dev/null || pid_of kafka-cluster-3 >/dev/null; then
    die "kafka: the 3-broker cluster (kafka-cluster.sh) is running; stop it first: deploy/local/kafka-cluster.sh down"
  fi
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open 127.0.0.1 "$p"; then
      die "kafka: port 127.0.0.1:$p is taken by a process not started by kafka.sh ($(port_owner "$p")); stop it or set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done

  kafka_resolve
  mkdir -p "$KAFKA_HOME"
  kafka_write_props "$PROPS" 1 "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$DATA" \
    "127.0.0.1:$KAFKA_CONTROLLER_PORT" 1 1 "$KAFKA_PARTITIONS"
  if [[ -f "$DATA/meta.properties" ]]; then
    if [[ "$(cat "$DATA/.layout" 2>/dev/null)" != "$LAYOUT" ]]; then
      die "kafka: $DATA was formatted for ports '$(cat "$DATA/.layout" 2>/dev/null)', now '$LAYOUT'; run 'deploy/local/kafka.sh reset' (wipes topics) or restore the ports"
    fi
  else
    local cid
    say "kafka: formatting KRaft storage (standalone controller)..."
    cid="$(kafka_random_uuid)"
    [[ -n "$cid" ]] || die "kafka: StorageTool random-uuid failed"
    kafka_format "$PROPS" "$cid" "$DATA" --standalone
    printf '%s\n' "$LAYOUT" >"$DATA/.layout"
  fi
  say "kafka: starting broker on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT, log $LOG)..."
  kafka_start "$NAME" "$PROPS" "$LOG"
  wait_until kafka "$KAFKA_READY_TIMEOUT" "$LOG" "$NAME@$KAFKA_PORT" kafka_ready "$KAFKA_PORT" 1
  report kafka "started (pid $(pid_of "$NAME"), 127.0.0.1:$KAFKA_PORT)"
}

down() {
  # adopt only a single-node broker (its cmdline names .local/kafka/server.properties)
  local p
  if ! pid_of "$NAME" >/dev/null && p="$(pid_on_port "$KAFKA_PORT")" &&
    tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$PROPS"; then
    printf '%s\n' "$p" >"$RUN_DIR/$NAME.pid"
  fi
  stop_pid "$NAME"
}

status() {
  local pid n
  if pid="$(pid_of "$NAME")"; then
    if n="$(kafka_brokers 127.0.0.1 "$KAFKA_PORT")"; then
      say "kafka: running (pid $pid) 127.0.0.1:$KAFKA_PORT - metadata ok, $n broker(s)"
    else
      say "kafka: process $pid alive but NOT answering metadata requests on $KAFKA_PORT"
      return 1
    fi
  else
    say "kafka: stopped"
    return 3
  fi
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
reset)
  down
  rm -rf "$DATA"
  say "kafka: data wiped ($DATA)"
  ;;
tool)
  shift
  [[ $# -ge 1 ]] || die "usage: $0 tool <alias|class> [args...]"
  kafka_resolve
  cls="$(kafka_tool_class "$1")"
  shift
  kafka_java "$cls" "$@"
  ;;
*)
  echo "usage: $0 up|down|status|restart|reset|tool <alias|class> [args...]   (env: KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_VERSION, KAFKA_HEAP_OPTS)" >&2
  exit 2
  ;;
esac
