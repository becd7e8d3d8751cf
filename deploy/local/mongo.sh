#!/usr/bin/env bash
# MongoDB wire protocol server for local development and tests.
#   1. MONGO_URL set (and none of ours running) -> use it as is, only check that it answers.
#   2. `mongod` on PATH                          -> start it (data .local/mongo/data).
#   3. otherwise                                 -> FerretDB v1.24 (SQLite backend) built from
#                                                   deploy/local/ferretdb with the machine's Go.
# Usage: mongo.sh up|down|status|restart|build|url
set -euo pipefail
TAG=infra
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

MONGO_PORT="${MONGO_PORT:-27017}"
MONGO_READY_TIMEOUT="${MONGO_READY_TIMEOUT:-$READY_TIMEOUT}"
LOCAL_URL="mongodb://127.0.0.1:$MONGO_PORT/"
URL_FILE="$RUN_DIR/mongo.url"
SRC="$LIB_DIR/ferretdb"
BIN="$LOCAL/bin/ferretdb"
FERRET_TAGS="${FERRET_TAGS:-}"

find_go() {
  if [[ -n "${GO:-}" ]]; then
    printf '%s\n' "$GO"
  elif command -v go >/dev/null 2>&1; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    printf '%s\n' /usr/local/go/bin/go
  else
    return 1
  fi
}

# Build .local/bin/ferretdb when main.go/go.mod/go.sum/Go version changed (hash stamp).
build_ferretdb() {
  local go stamp log="$LOG_DIR/ferretdb-build.log"
  go="$(find_go)" || die "mongo: no mongod on PATH, no MONGO_URL, and no Go toolchain to build FerretDB (install Go >= 1.24 or set MONGO_URL)"
  stamp="$(hash_of "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go" <(printf '%s %s' "$("$go" version)" "$FERRET_TAGS"))"
  if [[ -x "$BIN" && -f "$BIN.stamp" && "$(cat "$BIN.stamp")" == "$stamp" ]]; then
    return 0
  fi
  mkdir -p "$LOCAL/bin" "$LOCAL/go/path" "$LOCAL/go/cache"
  : >"$log"
  local start=$SECONDS
  say "ferretdb: building $(sed -n 's/^require github.com\/FerretDB\/FerretDB \(v[^ ]*\).*/FerretDB \1/p' "$SRC/go.mod") with $("$go" version | cut -d' ' -f3) (first time ~1.5-3 min on 2 cores; progress in $log)..."
  (
    cd "$SRC"
    export GOPATH="$LOCAL/go/path" GOMODCACHE="$LOCAL/go/path/pkg/mod" GOCACHE="$LOCAL/go/cache"
    export GOTOOLCHAIN=local GOFLAGS="-modcacherw -mod=readonly -buildvcs=false" CGO_ENABLED=0
    run_with_heartbeat "ferretdb build" "$log" \
      "$go" build -v -trimpath -tags "$FERRET_TAGS" -o "$BIN.tmp" .
  ) || die "ferretdb: go build failed - read $log"
  mv -f "$BIN.tmp" "$BIN"
  printf '%s\n' "$stamp" >"$BIN.stamp"
  say "ferretdb: built $BIN in $((SECONDS - start))s"
}

# host:port of the first host in a mongodb:// URL (best effort).
url_hostport() {
  local rest="${1#*://}"
  rest="${rest#*@}"
  rest="${rest%%/*}"
  rest="${rest%%\?*}"
  rest="${rest%%,*}"
  [[ "$rest" == *:* ]] || rest="$rest:27017"
  printf '%s\n' "$rest"
}

# ours : name (ferretdb|mongod) of our running server; re-adopts it if its pidfile was lost.
ours() {
  local n pid exe
  for n in ferretdb mongod; do
    if pid_of "$n" >/dev/null; then
      printf '%s\n' "$n"
      return 0
    fi
  done
  pid="$(pid_on_port "$MONGO_PORT")" || return 1
  is_ours "$pid" || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  case "${exe##*/}" in
  ferretdb | mongod) n="${exe##*/}" ;;
  *) return 1 ;;
  esac
  printf '%s\n' "$pid" >"$RUN_DIR/$n.pid"
  printf '%s\n' "$n"
}

ready() { mongo_ping 127.0.0.1 "$MONGO_PORT"; }

up() {
  local name pid pg verdict=started
  if name="$(ours)"; then
    pid="$(pid_of "$name")"
    require_on_port "$name" "$pid" "$MONGO_PORT"
    if ready; then
      # FerretDB answering means its PostgreSQL does: postgres.sh is not asked.
      if [[ "$name" == ferretdb ]] && pg="$(pid_of postgres)"; then report postgres "running, left as is (pid $pg)"; fi
      report "$name" "running, left as is (pid $pid, $LOCAL_URL)"
      printf '%s\n' "$LOCAL_URL" >"$URL_FILE"
      return 0
    fi
    # Alive but not answering within a few seconds: FerretDB's PostgreSQL pool can end up fully
    # checked out (docs/adr/0005). A restart frees it; the data is in PostgreSQL and survives.
    # Busy is not hung: under heavy load a ping can take seconds. Only a full minute of silence counts.
    local i
    say "mongo: $name (pid $pid) does not answer yet; waiting up to 60 s before restarting it..."
    for ((i = 0; i < 120; i++)); do
      sleep 0.5
      ready && break
    done
    if ready; then
      report "$name" "running, left as is (pid $pid; it answered after a wait)"
      printf '%s\n' "$LOCAL_URL" >"$URL_FILE"
      return 0
    fi
    warn "mongo: $name (pid $pid) is alive but does not answer; restarting it"
    stop_pids "$name"
    verdict="restarted: alive but not answering for 60 s"
  fi

  if [[ -n "${MONGO_URL:-}" ]]; then
    local hp
    hp="$(url_hostport "$MONGO_URL")"
    if [[ "$MONGO_URL" == mongodb+srv://* ]]; then
      warn "mongo: MONGO_URL is mongodb+srv, cannot ping it from bash; passing it through unchecked"
    else
      say "mongo: MONGO_URL given, checking that ${hp} answers a wire-protocol ping..."
      mongo_ping "${hp%:*}" "${hp##*:}" || die "mongo: MONGO_URL=$MONGO_URL does not answer a MongoDB ping at $hp"
      say "mongo: external MongoDB at $hp answers (not managed by these scripts)"
    fi
    report mongo "external (MONGO_URL), not managed here"
    printf '%s\n' "$MONGO_URL" >"$URL_FILE"
    return 0
  fi

  if port_open 127.0.0.1 "$MONGO_PORT"; then
    local who
    who="$(port_owner "$MONGO_PORT")"
    die "mongo: 127.0.0.1:$MONGO_PORT is taken by a process not started by these scripts (${who:-unknown}). Stop it, set MONGO_PORT, or set MONGO_URL=$LOCAL_URL to use it."
  fi

  if command -v mongod >/dev/null 2>&1; then
    name=mongod
    mkdir -p "$LOCAL/mongo/data"
    say "mongo: starting mongod on 127.0.0.1:$MONGO_PORT (log $LOG_DIR/mongod.log)..."
    start_bg mongod "$LOG_DIR/mongod.log" "$(command -v mongod)" \
      --dbpath "$LOCAL/mongo/data" --bind_ip 127.0.0.1 --port "$MONGO_PORT"
  else
    name=ferretdb
    build_ferretdb
    mkdir -p "$LOCAL/ferretdb/data"
    # PostgreSQL by default: FerretDB's SQLite backend filters every query in Go over the whole
    # collection and crashed under concurrent writers (docs/adr/0005-ferretdb-postgresql-backend.md).
    local backend=(-sqlite-dir "$LOCAL/ferretdb/data") what="SQLite $LOCAL/ferretdb/data"
    if [[ "${FERRETDB_BACKEND:-postgresql}" == postgresql ]]; then
      "$LIB_DIR/postgres.sh" up
      backend=(-postgresql-url "$("$LIB_DIR/postgres.sh" url)")
      what="PostgreSQL $("$LIB_DIR/postgres.sh" url)"
    fi
    say "mongo: starting FerretDB ($what) on 127.0.0.1:$MONGO_PORT (log $LOG_DIR/ferretdb.log)..."
    # A soft heap limit: FerretDB evaluates sorts and non-pushed-down filters in Go over whole
    # collections, and without it the heap grew to 7 GB (OOM-killed twice) under a 1M-event benchmark.
    GOMEMLIMIT="${FERRETDB_GOMEMLIMIT:-1536MiB}" FERRETDB_TELEMETRY=disable DO_NOT_TRACK=1 start_bg ferretdb "$LOG_DIR/ferretdb.log" "$BIN" \
      -listen "127.0.0.1:$MONGO_PORT" "${backend[@]}" ${FERRETDB_PPROF_ADDR:+-pprof-addr "$FERRETDB_PPROF_ADDR"}
  fi
  wait_until "$name" "$MONGO_READY_TIMEOUT" "$LOG_DIR/$name.log" "$name@$MONGO_PORT" ready
  report "$name" "$verdict (pid $(pid_of "$name"), $LOCAL_URL)"
  printf '%s\n' "$LOCAL_URL" >"$URL_FILE"
}

down() {
  local any=0 n
  ours >/dev/null || true
  for n in ferretdb mongod; do
    if pid_of "$n" >/dev/null; then
      stop_pid "$n"
      any=1
    fi
    rm -f "$RUN_DIR/$n.pid"
  done
  ((any)) || say "mongo: none of ours running${MONGO_URL:+ (external MONGO_URL is left alone)}"
  "$LIB_DIR/postgres.sh" down
  rm -f "$URL_FILE"
}

status() {
  local name pid
  if name="$(ours)"; then
    pid="$(pid_of "$name")"
    if ready; then
      say "mongo: $name running (pid $pid) $LOCAL_URL - ping ok"
    else
      say "mongo: $name process $pid alive but NOT answering a ping on $MONGO_PORT"
      return 1
    fi
  elif [[ -n "${MONGO_URL:-}" ]]; then
    say "mongo: external MONGO_URL=$MONGO_URL (not managed here)"
  else
    say "mongo: stopped"
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
build) build_ferretdb ;;
url) cat "$URL_FILE" ;;
*)
  echo "usage: $0 up|down|status|restart|build|url   (env: MONGO_URL, MONGO_PORT, GO)" >&2
  exit 2
  ;;
esac
