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
#      /health is given before it is restarted (it may be starting, or a server may be back any moment).
set -euo pipefail
TAG=apps
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

NODE="$ROOT/node_modules/.bin/node"
BASE_PORT="${APPS_BASE_PORT:-3000}"
INSTANCE="${APPS_INSTANCE:-}"
[[ "$INSTANCE" =~ ^[a-z0-9-]*$ ]] || die "APPS_INSTANCE must be lower-case letters, digits and dashes"
# name:port, in start order (the gateway last: its health checks the others).
APPS=(recommendations:$((BASE_PORT + 1)) commitments:$((BASE_PORT + 2)) follow-up:$((BASE_PORT + 3)) gateway:$BASE_PORT)

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
  local name="$1" port="$2" p
  p="$(proc "$name")"
  port_open "$port" && die "port $port is taken by another process ($(port_owner "$port" || echo unknown)); stop it or set APPS_BASE_PORT"
  say "$name: starting on 127.0.0.1:$port (log: $LOG_DIR/$p.log)"
  local -a env=(PORT="$port" LOG_LEVEL="${LOG_LEVEL:-info}")
  if [[ "$name" == gateway ]]; then
    env+=(RECOMMENDATIONS_URL="http://127.0.0.1:$((BASE_PORT + 1))" COMMITMENTS_URL="http://127.0.0.1:$((BASE_PORT + 2))"
      FOLLOW_UP_URL="http://127.0.0.1:$((BASE_PORT + 3))")
  elif [[ -n "$INSTANCE" ]]; then
    env+=(MONGO_DB="tracker_${INSTANCE//-/_}_${name//-/_}" KAFKA_TOPIC_PREFIX="$INSTANCE.")
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
  local name="$1" port="$2"
  wait_until "$name /health" "${APP_READY_TIMEOUT:-90}" "$LOG_DIR/$(proc "$name").log" "$(proc "$name")" healthy "$port"
}

up() {
  load_env
  # The build lock (build.sh) until every app answers: a compilation started meanwhile (npm run audit
  # after an edit) would rewrite files under dist/ while an app loads them.
  exec 7>"$RUN_DIR/build.lock"
  flock -w "${BUILD_LOCK_TIMEOUT:-300}" 7 || die "gave up waiting for $RUN_DIR/build.lock"
  export TRACKER_BUILD_LOCKED=1
  bash "$HERE/build.sh" --if-stale
  local entry name port p pid ok deadline grace="${APP_HEALTH_GRACE:-20}"
  local -A verdict=()
  # 1. Down, or running another build: (re)start now, all together (they boot in parallel).
  for entry in "${APPS[@]}"; do
    name="${entry%%:*}"
    port="${entry##*:}"
    p="$(proc "$name")"
    if pid="$(pid_of "$p")"; then
      if [[ ! -f "$RUN_DIR/$p.build" ]]; then
        verdict[$name]="restarted: no record of the build it was started from"
      elif [[ "$(cat "$RUN_DIR/$p.build")" == "$(build_of "$name")" ]]; then
        continue
      else
        verdict[$name]="restarted: sources changed"
      fi
      say "$name: pid $pid, ${verdict[$name]#restarted: }; restarting it"
      stop_pids "$p"
    else
      verdict[$name]="started"
    fi
    start_app "$name" "$port"
  done
  # 2. In start order, the gateway last (its /health asks the services'): one just (re)started is waited
  # for; one running the current build is left alone when /health answers, and restarted when it stays
  # silent for APP_HEALTH_GRACE.
  for entry in "${APPS[@]}"; do
    name="${entry%%:*}"
    port="${entry##*:}"
    p="$(proc "$name")"
    if [[ -n "${verdict[$name]:-}" ]]; then
      wait_healthy "$name" "$port"
      continue
    fi
    pid="$(pid_of "$p" || true)"
    ok=1 deadline=$((SECONDS + grace))
    until healthy "$port"; do
      ((ok == 2)) || say "$name: pid $pid does not answer /health; giving it $grace s before restarting it"
      ok=2
      if ((SECONDS >= deadline)); then
        ok=0
        break
      fi
      sleep 0.5
    done
    if ((ok)); then
      verdict[$name]="running, left as is (pid $pid)"
      continue
    fi
    stop_pids "$p"
    start_app "$name" "$port"
    wait_healthy "$name" "$port"
    verdict[$name]="restarted: did not answer /health for $grace s"
  done
  exec 7>&-
  for entry in "${APPS[@]}"; do
    name="${entry%%:*}"
    if [[ "${verdict[$name]}" == running* ]]; then
      report "$name" "${verdict[$name]}, :${entry##*:}"
    else
      report "$name" "${verdict[$name]} (pid $(pid_of "$(proc "$name")"), :${entry##*:})"
    fi
  done
}

down() {
  local -a names=()
  local n
  for n in gateway follow-up commitments recommendations; do names+=("$(proc "$n")"); done
  stop_pids "${names[@]}"
  for n in "${names[@]}"; do rm -f "$RUN_DIR/$n.build"; done
}

status() {
  local entry name pid
  for entry in "${APPS[@]}"; do
    name="${entry%%:*}"
    if pid="$(pid_of "$(proc "$name")")"; then say "$name: running (pid $pid, port ${entry##*:})"; else say "$name: stopped"; fi
  done
}

case "${1:-}" in status | "") ;; *) infra_lock ;; esac
case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: services.sh up|down|status" ;;
esac
