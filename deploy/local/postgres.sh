#!/usr/bin/env bash
# PostgreSQL from Debian's packages, as FerretDB's storage (see docs/adr/0005-ferretdb-postgresql-backend.md).
# Runs as the `postgres` user, data under .local/postgres, 127.0.0.1:$PG_PORT (default 54329).
# Usage: postgres.sh up|down|status|url
set -euo pipefail
TAG=infra
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

PG_PORT="${PG_PORT:-54329}"
# PostgreSQL refuses to run as root and runs as `postgres`, which must be able to reach its data
# directory: under .local when every parent directory lets it through, else under /var/tmp.
if setpriv --reuid=postgres --regid=postgres --init-groups -- test -x "$LOCAL" 2>/dev/null; then
  PG_DIR="${PG_DIR:-$LOCAL/postgres}"
else
  PG_DIR="${PG_DIR:-/var/tmp/tracker-postgres-$(printf '%s' "$LOCAL" | sha256sum | cut -c1-12)}"
fi
PG_DATA="$PG_DIR/data"
LOG="$LOG_DIR/postgres.log"
NAME=postgres
PG_READY_TIMEOUT="${PG_READY_TIMEOUT:-60}"

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/postgres" ]] && printf '%s\n' "$d" && return 0
  done
  return 1
}

ensure_installed() {
  pg_bin >/dev/null && id postgres >/dev/null 2>&1 && return 0
  say "postgres: PostgreSQL server missing, installing Debian's postgresql with apt-get (once)..."
  apt_install "$LOG" postgresql
  pg_bin >/dev/null || die "postgresql installed but no server binary found under /usr/lib/postgresql"
  say "postgres: installed $("$(pg_bin)/postgres" --version)"
}

as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
ready() { "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }

up() {
  ensure_installed
  local bin
  bin="$(pg_bin)"
  if pid="$(pid_of "$NAME")"; then
    report postgres "running, left as is (pid $pid, 127.0.0.1:$PG_PORT)"
    equality_indexes
    return 0
  fi
  port_open 127.0.0.1 "$PG_PORT" && die "postgres: 127.0.0.1:$PG_PORT is taken by another process; set PG_PORT"
  mkdir -p "$PG_DIR/sock"
  chown postgres "$PG_DIR" "$PG_DIR/sock"
  [[ "$PG_DIR" == "$LOCAL/"* ]] || say "postgres: data under $PG_DIR ($LOCAL is not reachable by the postgres user)"
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    say "postgres: initdb $PG_DATA (once)..."
    rm -rf "$PG_DATA"
    as_pg "$bin/initdb" -D "$PG_DATA" -A trust -U postgres --no-sync >>"$LOG" 2>&1 || die "initdb failed - read $LOG"
  fi
  say "postgres: starting $("$bin/postgres" --version | cut -d' ' -f3) on 127.0.0.1:$PG_PORT (log $LOG)..."
  # synchronous_commit stays on: an acknowledged write must survive any restart of these servers.
  # plan_cache_mode: see postgres/ferretdb-indexes.sql (FerretDB's cached statements pass the field
  # name as a parameter, and a generic plan cannot use the expression indexes).
  start_bg "$NAME" "$LOG" setpriv --reuid=postgres --regid=postgres --init-groups -- "$bin/postgres" -D "$PG_DATA" \
    -p "$PG_PORT" -k "$PG_DIR/sock" -c listen_addresses=127.0.0.1 \
    -c shared_buffers=256MB -c max_connections=2500 -c log_min_messages=warning \
    -c plan_cache_mode=force_custom_plan
  wait_until "$NAME" "$PG_READY_TIMEOUT" "$LOG" "$NAME" ready
  report postgres "started (pid $(pid_of "$NAME"), 127.0.0.1:$PG_PORT)"
  if ! "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_database where datname = 'ferretdb'" | grep -q 1; then
    "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "create database ferretdb" >>"$LOG" 2>&1 || die "create database failed - read $LOG"
  fi
  equality_indexes
}

# Equality lookups served by indexes rather than scans (see the SQL file; ADR 0005). Idempotent.
equality_indexes() {
  "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d ferretdb -qX -v ON_ERROR_STOP=1 \
    -f "$HERE/postgres/ferretdb-indexes.sql" >>"$LOG" 2>&1 || die "equality indexes failed - read $LOG"
}

down() {
  # Fast shutdown: disconnects sessions and flushes cleanly. Plain SIGTERM (smart shutdown) waits for
  # every client, and the SIGKILL that follows a timeout would skip the clean checkpoint.
  if pid_of "$NAME" >/dev/null; then
    as_pg "$(pg_bin)/pg_ctl" -D "$PG_DATA" stop -m fast -w -t 60 >>"$LOG" 2>&1 || warn "postgres: pg_ctl stop failed - read $LOG"
  fi
  stop_pids "$NAME"
}

status() {
  if pid="$(pid_of "$NAME")"; then say "postgres: running (pid $pid) 127.0.0.1:$PG_PORT"; else say "postgres: stopped"; fi
}

case "${1:-}" in status | "" | url) ;; *) infra_lock ;; esac
case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  # pool_max_conns stays high while FerretDB's cursor leak stands (a leaked cursor pins a connection);
  # pool_max_conn_idle_time closes what a burst opened once it is idle (pgx keeps it 30 min otherwise:
  # 1,021 idle backends were seen while suites ran). FerretDB 1.24 replaces any value given with 1m.
  url) printf 'postgres://postgres@127.0.0.1:%s/ferretdb?pool_max_conns=2400&pool_max_conn_idle_time=1m\n' "$PG_PORT" ;;
  *)
    echo "usage: $0 up|down|status|url   (env: PG_PORT)" >&2
    exit 2
    ;;
esac
