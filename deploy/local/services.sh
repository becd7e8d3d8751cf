#!/usr/bin/env bash
# Starts (or stops) the four apps as background processes with pidfiles and logs under .local/.
# `up` is idempotent: an app that answers its /health and runs the build it was started from is left
# running; only an app that is down, unhealthy, or whose build changed since it started is (re)started.
# Restarting healthy apps on every `up` refused every connection to the gateway for seconds.
# Usage: services.sh up|down|status
# Env: APPS_BASE_PORT (3000: gateway, +1 recommendations, +2 commitments, +3 follow-up);
#      APPS_INSTANCE (none): a second, separate set of the four apps - its own pidfiles, logs, databases
#      (tracker_<instance>_<service>) and topics (<instance>.*) - e.g. for a test next to `npm run up`;
#      APP_READY_TIMEOUT (90 s); APP_HEALTH_GRACE (20 s): how long a running app that does not answer
#      /health is given before it is restarted (it may be starting, or a server may be back any moment);
#      APPS_REPLICAS (1): instances of each app. Above 1, instance i of an app listens on
#      APPS_REPLICA_BASE_PORT (base + 100) + 10 (i - 1) + the app's offset (gateway 0, recommendations 1,
#      commitments 2, follow-up 3), and a balancer (balancer.mjs, round-robin per connection, as a
#      Kubernetes Service) takes the app's usual port: clients and the gateways' upstreams are unchanged.
set -euo pipefail
TAG=apps
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

NODE="$ROOT/node_modules/.bin/node"
BASE_PORT="${APPS_BASE_PORT:-3000}"
INSTANCE="${APPS_INSTANCE:-}"
[[ "$INSTANCE" =~ ^[a-z0-9-]*$ ]] || die "APPS_INSTANCE must be lower-case letters, digits and dashes"
REPLICAS="${APPS_REPLICAS:-1}"
[[ "$REPLICAS" =~ ^[1-9]$ ]] || die "APPS_REPLICAS must be 1 to 9"
REPLICA_BASE="${APPS_REPLICA_BASE_PORT:-$((BASE_PORT + 100))}"
# name:port, in start order (the gateway last: its health checks the others).
APPS=(recommendations:$((BASE_PORT + 1)) commitments:$((BASE_PORT + 2)) follow-up:$((BASE_PORT + 3)) gateway:$BASE_PORT)
# unit:app:port - the processes, in start order. One per app, named after it; or APPS_REPLICAS of each,
# named <app>-<i>, on ports from APPS_REPLICA_BASE_PORT.
UNITS=()
for entry in "${APPS[@]}"; do
  if ((REPLICAS == 1)); then
    UNITS+=("${entry%%:*}:$entry")
  else
    for ((i = 1; i <= REPLICAS; i++)); do
      UNITS+=("${entry%%:*}-$i:${entry%%:*}:$((REPLICA_BASE + 10 * (i - 1) + ${entry##*:} - BASE_PORT))")
    done
  fi
done

# The name of an app's pidfile, log and build record.
proc() { printf '%s\n' "${INSTANCE:+$INSTANCE-}$1"; }

load_env() {
  [[ -f "$LOCAL/env" ]] || die "no $LOCAL/env: run 'npm run infra:up' first"
  set -a
  # shellcheck disable=SC1091
  source "$LOCAL/env"
  set +a
}

# build_of NAME : a hash of what the app runs - its compiled code and the libs' under dist/ (contents,
# not mtimes: a recompilation of unchanged sources gives the same files, so it restarts nothing) and
# the npm lock (node_modules). Recorded in $RUN_DIR/<app>.build when the app starts. The apps import
# nothing from one another, so a change in one service's code restarts that service alone.
LIBS_HASH=""
build_of() {
  if [[ -z "$LIBS_HASH" ]]; then
    LIBS_HASH="$(cd "$ROOT" && find dist/libs -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
  fi
  {
    printf '%s\n' "$LIBS_HASH"
    sha256sum "$ROOT/package-lock.json"
    (cd "$ROOT" && find "dist/apps/$1" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -d' ' -f1
}

healthy() { curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$1/health" 2>/dev/null; }

start_app() {
  local unit="$1" name="$2" port="$3" p
  p="$(proc "$unit")"
  port_open "$port" && die "port $port is taken by another process ($(port_owner "$port" || echo unknown)); stop it or set APPS_BASE_PORT"
  say "$unit: starting on 127.0.0.1:$port (log: $LOG_DIR/$p.log)"
  # INSTANCE_ID names the process in relay leases, Redis connections and logs.
  local -a env=(PORT="$port" LOG_LEVEL="${LOG_LEVEL:-info}" INSTANCE_ID="$p")
  # A separate set's namespace: its topics and queues, and its gateways' rate-limit keys in Redis.
  [[ -z "$INSTANCE" ]] || env+=(KAFKA_TOPIC_PREFIX="$INSTANCE.")
  if [[ "$name" == gateway ]]; then
    # The services' usual ports: the apps themselves, or their balancers with APPS_REPLICAS > 1.
    env+=(RECOMMENDATIONS_URL="http://127.0.0.1:$((BASE_PORT + 1))" COMMITMENTS_URL="http://127.0.0.1:$((BASE_PORT + 2))"
      FOLLOW_UP_URL="http://127.0.0.1:$((BASE_PORT + 3))")
  elif [[ -n "$INSTANCE" ]]; then
    env+=(MONGO_DB="tracker_${INSTANCE//-/_}_${name//-/_}")
  fi
  if [[ "$name" == follow-up ]]; then
    # Alert mail goes to the local catcher (mailcatcher.sh) unless MAIL_SMTP_HOST names another server.
    env+=(MAIL_SMTP_HOST="${MAIL_SMTP_HOST:-127.0.0.1}" MAIL_SMTP_PORT="${MAIL_SMTP_PORT:-${MAILDEV_SMTP_PORT:-1025}}"
      MAIL_LINK_BASE_URL="${MAIL_LINK_BASE_URL:-http://127.0.0.1:$BASE_PORT}")
  fi
  # dist/ cannot change until the app has loaded it: `up` holds the build lock until every app answers.
  build_of "$name" >"$RUN_DIR/$p.build"
  (
    export "${env[@]}"
    unset TRACKER_BUILD_LOCKED
    exec 7>&- # the app must not hold the build lock
    # shellcheck disable=SC2046 # the flags are words (deploy/service-node-options)
    start_bg "$p" "$LOG_DIR/$p.log" "$NODE" $(cat "$ROOT/deploy/service-node-options") --enable-source-maps \
      "$ROOT/dist/apps/$name/src/main.js"
  )
}

wait_healthy() {
  local unit="$1" port="$2"
  wait_until "$unit /health" "${APP_READY_TIMEOUT:-90}" "$LOG_DIR/$(proc "$unit").log" "$(proc "$unit")" healthy "$port"
}

# Every unit name that may have a pidfile, whatever APPS_REPLICAS was: one app, its replicas, its balancer.
all_units() {
  local entry name f
  for entry in "${APPS[@]}"; do
    name="${entry%%:*}"
    printf '%s\n' "$name"
    [[ -e "$RUN_DIR/$(proc "$name-lb").pid" ]] && printf '%s\n' "$name-lb"
    for f in "$RUN_DIR/$(proc "$name")"-[0-9]*.pid; do
      [[ -e "$f" ]] && basename "$f" .pid | sed "s/^${INSTANCE:+$INSTANCE-}//"
    done
  done
}

# What APPS_REPLICAS does not ask for any more (the single app, replicas above N, balancers): stopped.
stop_others() {
  local unit keep entry
  local -a stop=()
  while read -r unit; do
    keep=0
    for entry in "${UNITS[@]}"; do [[ "${entry%%:*}" == "$unit" ]] && keep=1; done
    [[ "$unit" == *-lb ]] && ((REPLICAS > 1)) && keep=1
    ((keep)) || { pid_of "$(proc "$unit")" >/dev/null && stop+=("$(proc "$unit")"); }
  done < <(all_units)
  ((${#stop[@]} == 0)) && return 0
  stop_pids "${stop[@]}"
  for unit in "${stop[@]}"; do rm -f "$RUN_DIR/$unit.build"; done
}

# balancer APP PORT : (re)starts the app's balancer on its usual port over its replicas' ports, unless
# one runs over the same ports (recorded in <app>-lb.build).
balancer() {
  local name="$1" port="$2" p targets entry
  p="$(proc "$name-lb")"
  targets=""
  for entry in "${UNITS[@]}"; do
    if [[ "${entry#*:}" == "$name:"* ]]; then targets+="${entry##*:} "; fi
  done
  if pid_of "$p" >/dev/null && [[ "$(cat "$RUN_DIR/$p.build" 2>/dev/null)" == "$targets" ]]; then
    report "$name-lb" "running, left as is, :$port -> $targets"
    return 0
  fi
  if pid_of "$p" >/dev/null; then stop_pids "$p"; fi
  port_open "$port" && die "port $port is taken by another process ($(port_owner "$port" || echo unknown)); stop it or set APPS_BASE_PORT"
  printf '%s\n' "$targets" >"$RUN_DIR/$p.build"
  # shellcheck disable=SC2086 # one argument per port
  (exec 7>&- && start_bg "$p" "$LOG_DIR/$p.log" "$NODE" "$HERE/balancer.mjs" "$port" $targets)
  wait_until "$name-lb" 10 "$LOG_DIR/$p.log" "$p@$port" port_open "$port"
  report "$name-lb" "started (pid $(pid_of "$p")), :$port -> $targets"
}

up() {
  load_env
  # The build lock (build.sh) until every app answers: a compilation started meanwhile (npm run audit
  # after an edit) would rewrite files under dist/ while an app loads them.
  exec 7>"$RUN_DIR/build.lock"
  flock -w "${BUILD_LOCK_TIMEOUT:-300}" 7 || die "gave up waiting for $RUN_DIR/build.lock"
  export TRACKER_BUILD_LOCKED=1
  bash "$HERE/build.sh" --if-stale
  stop_others
  local entry unit name port p pid ok deadline grace="${APP_HEALTH_GRACE:-20}" balanced=0
  local -A verdict=()
  # 1. Down, or running another build: (re)start now, all together (they boot in parallel).
  for entry in "${UNITS[@]}"; do
    unit="${entry%%:*}" name="${entry#*:}" port="${entry##*:}"
    name="${name%%:*}"
    p="$(proc "$unit")"
    if pid="$(pid_of "$p")"; then
      if [[ ! -f "$RUN_DIR/$p.build" ]]; then
        verdict[$unit]="restarted: no record of the build it was started from"
      elif [[ "$(cat "$RUN_DIR/$p.build")" == "$(build_of "$name")" ]]; then
        continue
      else
        verdict[$unit]="restarted: sources changed"
      fi
      # Replicas are replaced one at a time in step 2 (a rolling restart: the others keep serving).
      ((REPLICAS == 1)) || continue
      say "$unit: pid $pid, ${verdict[$unit]#restarted: }; restarting it"
      stop_pids "$p"
    else
      verdict[$unit]="started"
    fi
    start_app "$unit" "$name" "$port"
  done
  # 2. In start order, the gateway last (its /health asks the services', through their balancers when
  # there are replicas): one just (re)started is waited for; one running the current build is left alone
  # when /health answers, and restarted when it stays silent for APP_HEALTH_GRACE.
  for entry in "${UNITS[@]}"; do
    unit="${entry%%:*}" name="${entry#*:}" port="${entry##*:}"
    name="${name%%:*}"
    p="$(proc "$unit")"
    if [[ "$name" == gateway ]] && ((REPLICAS > 1 && !balanced)); then
      balanced=1
      for app in "${APPS[@]}"; do [[ "${app%%:*}" == gateway ]] || balancer "${app%%:*}" "${app##*:}"; done
    fi
    if [[ -n "${verdict[$unit]:-}" ]]; then
      if pid="$(pid_of "$p")" && [[ "$(cat "$RUN_DIR/$p.build" 2>/dev/null)" != "$(build_of "$name")" ]]; then
        say "$unit: pid $pid, ${verdict[$unit]#restarted: }; replacing it (one replica at a time)"
        stop_pids "$p"
        start_app "$unit" "$name" "$port"
      fi
      wait_healthy "$unit" "$port"
      continue
    fi
    pid="$(pid_of "$p" || true)"
    ok=1 deadline=$((SECONDS + grace))
    until healthy "$port"; do
      ((ok == 2)) || say "$unit: pid $pid does not answer /health; giving it $grace s before restarting it"
      ok=2
      if ((SECONDS >= deadline)); then
        ok=0
        break
      fi
      sleep 0.5
    done
    if ((ok)); then
      verdict[$unit]="running, left as is (pid $pid)"
      continue
    fi
    stop_pids "$p"
    start_app "$unit" "$name" "$port"
    wait_healthy "$unit" "$port"
    verdict[$unit]="restarted: did not answer /health for $grace s"
  done
  ((REPLICAS == 1)) || balancer gateway "$BASE_PORT"
  exec 7>&-
  for entry in "${UNITS[@]}"; do
    unit="${entry%%:*}"
    if [[ "${verdict[$unit]}" == running* ]]; then
      report "$unit" "${verdict[$unit]}, :${entry##*:}"
    else
      report "$unit" "${verdict[$unit]} (pid $(pid_of "$(proc "$unit")"), :${entry##*:})"
    fi
  done
}

down() {
  local -a names=()
  local n
  while read -r n; do names+=("$(proc "$n")"); done < <(all_units)
  stop_pids "${names[@]}"
  for n in "${names[@]}"; do rm -f "$RUN_DIR/$n.build"; done
}

status() {
  local unit pid any
  for entry in "${APPS[@]}"; do
    any=0
    while read -r unit; do
      if pid="$(pid_of "$(proc "$unit")")"; then
        say "$unit: running (pid $pid)"
        any=1
      fi
    done < <(all_units | grep -E "^${entry%%:*}(-lb|-[0-9]+)?$")
    ((any)) || say "${entry%%:*}: stopped"
  done
}

case "${1:-}" in status | "") ;; *) infra_lock ;; esac
case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: services.sh up|down|status" ;;
esac
