#!/usr/bin/env bash
# Three-node Apache Kafka 4.x cluster (KRaft, each node broker+controller, 3-voter quorum) for
# fault tests: brokers 127.0.0.1:$BASE..$BASE+2 (default 9092-9094), controllers 19192-19194,
# replication factor 3, min.insync.replicas=2. Data under .local/kafka-cluster/node-N/.
# Usage: kafka-cluster.sh up|down|status|restart|reset|kill-broker N|stop-broker N|start-broker N|brokers
#        kafka-cluster.sh tool <alias|class> [args...]   (same as kafka.sh tool)
# It shares port 9092 with kafka.sh: run one or the other (or move it with KAFKA_CLUSTER_BASE_PORT).
set -euo pipefail
TAG=infra
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
# shellcheck source=kafka/common.sh
source "$LIB_DIR/kafka/common.sh"

BASE="${KAFKA_CLUSTER_BASE_PORT:-9092}"
CBASE="${KAFKA_CLUSTER_CONTROLLER_BASE_PORT:-19192}"
KAFKA_HEAP_OPTS="${KAFKA_CLUSTER_HEAP_OPTS:--Xms256m -Xmx512m}"
HOME_DIR="$LOCAL/kafka-cluster"
NODES=(1 2 3)

port_of() { echo $((BASE + $1 - 1)); }
ctrl_of() { echo $((CBASE + $1 - 1)); }
name_of() { echo "kafka-cluster-$1"; }
log_of() { echo "$LOG_DIR/kafka-cluster-$1.log"; }
node_dir() { echo "$HOME_DIR/node-$1"; }
brokers_csv() { echo "127.0.0.1:$(port_of 1),127.0.0.1:$(port_of 2),127.0.0.1:$(port_of 3)"; }
quorum_csv() { echo "127.0.0.1:$(ctrl_of 1),127.0.0.1:$(ctrl_of 2),127.0.0.1:$(ctrl_of 3)"; }
layout() { echo "$BASE $CBASE"; }

check_node() {
  [[ "${1:-}" =~ ^[123]$ ]] || die "kafka-cluster: broker number must be 1, 2 or 3"
}

running_count() {
  local n c=0
  for n in "${NODES[@]}"; do
    pid_of "$(name_of "$n")" >/dev/null && c=$((c + 1))
  done
  echo "$c"
}

# Generate cluster id + one directory id per node once, format every node with the same
# --initial-controllers list (dynamic 3-voter quorum).
prepare() {
  kafka_resolve
  mkdir -p "$HOME_DIR"
  local n
  for n in "${NODES[@]}"; do
    mkdir -p "$(node_dir "$n")"
    kafka_write_props "$(node_dir "$n")/server.properties" "$n" "$(port_of "$n")" "$(ctrl_of "$n")" \
      "$(node_dir "$n")/data" "$(quorum_csv)" 3 2 3
  done
  if [[ -f "$HOME_DIR/layout" && "$(cat "$HOME_DIR/layout")" != "$(layout)" ]]; then
    die "kafka-cluster: data was formatted for ports '$(cat "$HOME_DIR/layout")', now '$(layout)'; run 'deploy/local/kafka-cluster.sh reset' (wipes data) or restore the ports"
  fi
  if [[ ! -f "$HOME_DIR/ids" ]]; then
    say "kafka-cluster: generating cluster and directory ids..."
    {
      echo "CLUSTER_ID=$(kafka_random_uuid)"
      for n in "${NODES[@]}"; do echo "DIR_ID_$n=$(kafka_random_uuid)"; done
    } >"$HOME_DIR/ids.tmp"
    mv "$HOME_DIR/ids.tmp" "$HOME_DIR/ids"
  fi
  # shellcheck disable=SC1091
  source "$HOME_DIR/ids"
  local controllers="" var
  for n in "${NODES[@]}"; do
    var="DIR_ID_$n"
    controllers+="${controllers:+,}$n@127.0.0.1:$(ctrl_of "$n"):${!var}"
  done
  for n in "${NODES[@]}"; do
    if [[ ! -f "$(node_dir "$n")/data/meta.properties" ]]; then
      say "kafka-cluster: formatting node $n (initial controllers $controllers)..."
      kafka_format "$(node_dir "$n")/server.properties" "$CLUSTER_ID" "$(node_dir "$n")/data" \
        --initial-controllers "$controllers"
    fi
  done
  layout >"$HOME_DIR/layout"
}

start_node() {
  local n="$1" p
  if pid_of "$(name_of "$n")" >/dev/null; then
    return 0
  fi
  for p in "$(port_of "$n")" "$(ctrl_of "$n")"; do
    if port_open 127.0.0.1 "$p"; then
      if pid_of kafka >/dev/null; then
        die "kafka-cluster: the single-node Kafka (kafka.sh) holds port $p; stop it first: deploy/local/kafka.sh down (or set KAFKA_CLUSTER_BASE_PORT)"
      fi
      die "kafka-cluster: port 127.0.0.1:$p is taken by a process not started by these scripts ($(port_owner "$p")); set KAFKA_CLUSTER_BASE_PORT / KAFKA_CLUSTER_CONTROLLER_BASE_PORT"
    fi
  done
  say "kafka-cluster: starting node $n on 127.0.0.1:$(port_of "$n") (controller $(ctrl_of "$n"), log $(log_of "$n"))..."
  kafka_start "$(name_of "$n")" "$(node_dir "$n")/server.properties" "$(log_of "$n")"
}

# every running node reports as many live brokers as we have running nodes
wait_nodes() {
  local n want
  want="$(running_count)"
  for n in "${NODES[@]}"; do
    pid_of "$(name_of "$n")" >/dev/null || continue
    wait_until "kafka-cluster node $n" "$KAFKA_READY_TIMEOUT" "$(log_of "$n")" "$(name_of "$n")@$(port_of "$n")" \
      kafka_ready "$(port_of "$n")" "$want"
  done
}

write_env() {
  printf 'KAFKA_BROKERS=%s\n' "$(brokers_csv)" >"$HOME_DIR/env"
}

up() {
  if [[ "$(running_count)" == 3 ]] && kafka_ready "$(port_of 1)" 3 2>/dev/null; then
    say "kafka-cluster: already running, 3 brokers ($(brokers_csv))"
    write_env
    return 0
  fi
  if pid_of kafka >/dev/null && [[ "$BASE" -le 9092 && $((BASE + 2)) -ge 9092 ]]; then
    die "kafka-cluster: the single-node Kafka (kafka.sh, 9092) is running; stop it first: deploy/local/kafka.sh down (only one of the two runs at a time)"
  fi
  prepare
  local n
  for n in "${NODES[@]}"; do start_node "$n"; done
  wait_nodes
  write_env
  say "kafka-cluster: up - KAFKA_BROKERS=$(brokers_csv) (also in $HOME_DIR/env)"
}

# SIGTERM all nodes at once: a node stopped last would otherwise wait for a lost quorum.
down() { stop_pids "$(name_of 1)" "$(name_of 2)" "$(name_of 3)"; }

status() {
  local n pid cnt rc=0
  for n in "${NODES[@]}"; do
    if pid="$(pid_of "$(name_of "$n")")"; then
      if cnt="$(kafka_brokers 127.0.0.1 "$(port_of "$n")")"; then
        say "kafka-cluster: node $n running (pid $pid) 127.0.0.1:$(port_of "$n") - sees $cnt live broker(s)"
      else
        say "kafka-cluster: node $n process $pid alive but NOT answering on $(port_of "$n")"
        rc=1
      fi
    else
      say "kafka-cluster: node $n stopped"
      [[ $rc -eq 0 ]] && rc=3
    fi
  done
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
reset)
  down
  rm -rf "$HOME_DIR"
  say "kafka-cluster: data wiped ($HOME_DIR)"
  ;;
kill-broker)
  check_node "${2:-}"
  if pid="$(pid_of "$(name_of "$2")")"; then
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$RUN_DIR/$(name_of "$2").pid"
    say "kafka-cluster: node $2 killed (SIGKILL, pid $pid)"
  else
    say "kafka-cluster: node $2 not running"
  fi
  ;;
stop-broker)
  check_node "${2:-}"
  stop_pid "$(name_of "$2")"
  ;;
start-broker)
  check_node "${2:-}"
  prepare
  start_node "$2"
  wait_nodes
  ;;
brokers) brokers_csv ;;
tool)
  shift
  [[ $# -ge 1 ]] || die "usage: $0 tool <alias|class> [args...]"
  kafka_resolve
  cls="$(kafka_tool_class "$1")"
  shift
  kafka_java "$cls" "$@"
  ;;
*)
  echo "usage: $0 up|down|status|restart|reset|kill-broker N|stop-broker N|start-broker N|brokers|tool ...   (env: KAFKA_CLUSTER_BASE_PORT, KAFKA_CLUSTER_CONTROLLER_BASE_PORT)" >&2
  exit 2
  ;;
esac
