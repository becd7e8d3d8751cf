# shellcheck shell=bash
# Shared helpers for deploy/local/*.sh. Sourced, never executed.
# Everything lives under "$ROOT/.local" (git-ignored); ROOT is derived from this file's location.

LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$LIB_DIR/../.." && pwd)"
LOCAL="$ROOT/.local"
LOG_DIR="$LOCAL/logs"
RUN_DIR="$LOCAL/run"
export ROOT LOCAL LOG_DIR RUN_DIR LIB_DIR

STOP_TIMEOUT="${STOP_TIMEOUT:-30}"    # seconds between SIGTERM and SIGKILL
READY_TIMEOUT="${READY_TIMEOUT:-120}" # default readiness timeout per server

mkdir -p "$LOG_DIR" "$RUN_DIR"
# Keep the cache out of git even if the root .gitignore does not mention it.
[[ -f "$LOCAL/.gitignore" ]] || printf '*\n' >"$LOCAL/.gitignore"

TAG="${TAG:-infra}"
say() { printf '[%s] %s\n' "$TAG" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$TAG" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "$TAG" "$*" >&2
  exit 1
}

# report NAME VERDICT : what `up` did with a server or app: "running, left as is", "started" or
# "restarted: <why>". Also appended to $UP_REPORT when set: `npm run up` ends with that list, so a second
# run shows at a glance that it touched nothing.
report() {
  say "$1: $2"
  if [[ -n "${UP_REPORT:-}" ]]; then printf '  %-16s %s\n' "$1" "$2" >>"$UP_REPORT"; fi
  return 0
}

# ---------------------------------------------------------------- processes

# pid_of NAME -> prints pid from $RUN_DIR/NAME.pid if the process is alive and ours.
# "Ours" = its command line mentions our .local directory (guards against pid reuse).
pid_of() {
  local f="$RUN_DIR/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # cmdline may be rewritten (redis sets its process title), so is_ours also accepts a cwd under .local
  is_ours "$pid" || return 1
  printf '%s\n' "$pid"
}

# is_ours PID : the process belongs to this checkout (cmdline mentions .local, or cwd under it).
is_ours() {
  local pid="$1" cwd
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$LOCAL" && return 0
  cwd="$(readlink "/proc/$pid/cwd" 2>/dev/null || true)"
  [[ "$cwd" == "$LOCAL" || "$cwd" == "$LOCAL/"* ]]
}

# pid_on_port PORT : pid of the process listening on 127.0.0.1:PORT (needs ss).
pid_on_port() {
  command -v ss >/dev/null 2>&1 || return 1
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 | grep .
}

# require_on_port NAME PID PORT : die if our running NAME (PID) is not the listener on PORT
# (e.g. started earlier with another *_PORT). Skipped when ss is unavailable.
require_on_port() {
  local owner
  command -v ss >/dev/null 2>&1 || return 0
  owner="$(pid_on_port "$3" || true)"
  [[ "$owner" == "$2" ]] && return 0
  die "$1: ours is running as pid $2 but it is not the process listening on port $3 (listener: ${owner:-none}); it was probably started with other ports - run '$(basename "$0") down' first"
}

# alive_or_adopt NAME [PORT] : pidfile process alive, or (pidfile lost/stale) the listener on PORT
# is a process of ours -> rewrite the pidfile. Prints the pid.
alive_or_adopt() {
  local pid
  if pid="$(pid_of "$1")"; then
    printf '%s\n' "$pid"
    return 0
  fi
  [[ -n "${2:-}" ]] || return 1
  pid="$(pid_on_port "$2")" || return 1
  is_ours "$pid" || return 1
  printf '%s\n' "$pid" >"$RUN_DIR/$1.pid"
  printf '%s\n' "$pid"
}

# start_bg NAME LOGFILE CMD... : start detached (own session, stdin closed, cwd=.local),
# write pidfile. The server must not fork/daemonize itself.
start_bg() {
  local name="$1" log="$2"
  shift 2
  mkdir -p "$(dirname "$log")"
  printf '\n===== %s start %s: %s\n' "$name" "$(date -Is)" "$*" >>"$log"
  (
    cd "$LOCAL" || exit 1
    setsid "$@" </dev/null >>"$log" 2>&1 9>&- &
    printf '%s\n' "$!" >"$RUN_DIR/$name.pid"
  )
}

# stop_pids NAME... : SIGTERM all at once, wait up to STOP_TIMEOUT, SIGKILL leftovers,
# verify every process is gone, remove the pidfiles.
stop_pids() {
  local -a names=() pids=()
  local name pid i alive
  for name in "$@"; do
    if pid="$(pid_of "$name")"; then
      say "$name: stopping pid $pid (SIGTERM)..."
      kill -TERM "$pid" 2>/dev/null || true
      names+=("$name")
      pids+=("$pid")
    else
      rm -f "$RUN_DIR/$name.pid"
      say "$name: not running"
    fi
  done
  ((${#pids[@]})) || return 0
  for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.2
  done
  for i in "${!pids[@]}"; do
    pid="${pids[$i]}"
    name="${names[$i]}"
    if kill -0 "$pid" 2>/dev/null; then
      warn "$name: still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      local j
      for ((j = 0; j < 50; j++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
    kill -0 "$pid" 2>/dev/null && die "$name: pid $pid refuses to die"
    rm -f "$RUN_DIR/$name.pid"
    say "$name: stopped"
  done
}

stop_pid() { stop_pids "$1"; }

# ---------------------------------------------------------------- network

# port_open [HOST] PORT : something accepts TCP connections (HOST defaults to 127.0.0.1).
port_open() {
  local host=127.0.0.1
  if [[ $# -ge 2 ]]; then
    host="$1"
    shift
  fi
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$1" 2>/dev/null
}

# port_owner PORT : best-effort description of the process listening on PORT.
port_owner() {
  if command -v ss >/dev/null 2>&1; then
    ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\))).*/\1/p' | head -1
  fi
}

# tcp_exchange HOST PORT HEXREQUEST : send bytes, print the first reply chunk as hex.
tcp_exchange() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "%b" "$3" >&3
    dd bs=65536 count=1 <&3 2>/dev/null | od -An -v -tx1 | tr -d " \n"
  ' _ "$1" "$2" "$3" 2>/dev/null
}

# mongo_ping HOST PORT : real MongoDB wire protocol OP_MSG {ping: 1, $db: "admin"}; expects ok: 1.0.
mongo_ping() {
  local req reply
  # header(len=51, reqId=1, respTo=0, opCode=2013) flags=0 kind=0 doc(30 bytes)
  req='\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00'
  req+='\x00\x00\x00\x00\x00'
  # shellcheck disable=SC2016 # literal "$db" field name
  req+='\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00\x02$db\x00\x06\x00\x00\x00admin\x00\x00'
  reply="$(tcp_exchange "$1" "$2" "$req")" || return 1
  # opCode 2013 at offset 12 and element {ok: double 1.0}
  [[ "${reply:24:8}" == "dd070000" && "$reply" == *016f6b00000000000000f03f* ]]
}

# kafka_brokers HOST PORT : Kafka Metadata v4 request (all topics); prints number of live brokers.
# Data-plane requests are only served once the broker has finished starting up.
kafka_brokers() {
  local req reply
  # size=20 apiKey=3 ver=4 corrId=1 clientId="infra" topics=null allowAutoCreate=false
  req='\x00\x00\x00\x14\x00\x03\x00\x04\x00\x00\x00\x01\x00\x05infra\xff\xff\xff\xff\x00'
  reply="$(tcp_exchange "$1" "$2" "$req")" || return 1
  # size(4) corrId(4) throttle(4) brokers.count(4)
  [[ ${#reply} -ge 32 && "${reply:8:8}" == "00000001" ]] || return 1
  printf '%d\n' "$((16#${reply:24:8}))"
}

# wait_until NAME TIMEOUT LOGFILE PIDNAME[@PORT] CMD... : poll CMD until success; fail with log
# hint. Prints a progress line every 15 s; aborts early if the process died.
wait_until() {
  local name="$1" timeout="$2" log="$3" pidname="${4%@*}" pidport=""
  [[ "$4" == *@* ]] && pidport="${4##*@}"
  shift 4
  local start=$SECONDS next=$((SECONDS + 15))
  while ! "$@" >/dev/null 2>&1; do
    if [[ -n "$pidname" ]] && ! alive_or_adopt "$pidname" "$pidport" >/dev/null; then
      printf '[%s] ERROR: %s exited during startup; last log lines (%s):\n' "$TAG" "$name" "$log" >&2
      tail -n 25 "$log" | cut -c1-240 >&2 || true
      die "$name failed to start - read $log"
    fi
    if ((SECONDS - start >= timeout)); then
      printf '[%s] ERROR: %s not ready after %ss; last log lines (%s):\n' "$TAG" "$name" "$timeout" "$log" >&2
      tail -n 25 "$log" | cut -c1-240 >&2 || true
      die "$name not ready after ${timeout}s - read $log (raise the timeout with the matching *_READY_TIMEOUT env var)"
    fi
    if ((SECONDS >= next)); then
      say "$name: still waiting for readiness ($((SECONDS - start))s)..."
      next=$((SECONDS + 15))
    fi
    sleep 0.5
  done
  say "$name: ready ($((SECONDS - start))s)"
}

# run_with_heartbeat LABEL LOGFILE CMD... : run CMD (output to LOGFILE), print a line every 20 s.
run_with_heartbeat() {
  local label="$1" log="$2"
  shift 2
  local start=$SECONDS next=$((SECONDS + 20)) rc=0 pid
  "$@" >>"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if ((SECONDS >= next)) && kill -0 "$pid" 2>/dev/null; then
      say "$label: still working ($((SECONDS - start))s, $(wc -l <"$log") log lines)..."
      next=$((SECONDS + 20))
    fi
  done
  wait "$pid" || rc=$?
  return "$rc"
}

# hash_of FILES... : stable content hash.
hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# as_root CMD... : run as root (sudo when needed and available).
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    die "need root for: $*"
  fi
}

# strays : pids of server processes of ours that have no pidfile (java, redis-server,
# ferretdb, mongod whose command line mentions .local or whose cwd is under .local).
strays() {
  local d pid exe cwd
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    [[ "$pid" == "$$" ]] && continue
    exe="$(readlink "$d/exe" 2>/dev/null || true)"
    case "${exe##*/}" in
    java | redis-server | redis-check-aof | ferretdb | mongod) ;;
    *) continue ;;
    esac
    cwd="$(readlink "$d/cwd" 2>/dev/null || true)"
    if tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF "$LOCAL" ||
      [[ "$cwd" == "$LOCAL" || "$cwd" == "$LOCAL/"* ]]; then
      printf '%s\n' "$pid"
    fi
  done
}

# ---------------------------------------------------------------- serialisation

# infra_lock: one up/down/restart at a time. Parallel test processes all call `infra.sh up` in their
# global setup; without this two of them start two servers and one loses the port (and its pidfile).
# Re-entrant: scripts called by a script that holds the lock do not wait for it.
infra_lock() {
  [[ -n "${TRACKER_INFRA_LOCKED:-}" ]] && return 0
  exec 9>"$RUN_DIR/infra.lock"
  if ! flock -n 9; then
    say "waiting for another infra/app command to finish (lock $RUN_DIR/infra.lock)..."
    flock -w "${INFRA_LOCK_TIMEOUT:-900}" 9 || die "gave up waiting for $RUN_DIR/infra.lock"
  fi
  export TRACKER_INFRA_LOCKED=1
}

# apt_install LOG PACKAGE... : non-interactive apt-get install (with one `apt-get update` when the
# package lists do not know the first package), never starting a system-wide service: we run our own.
apt_install() {
  local log="$1" tmp_policy=""
  shift
  export DEBIAN_FRONTEND=noninteractive
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    tmp_policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$tmp_policy" >/dev/null
    as_root chmod +x "$tmp_policy"
  fi
  if [[ "$(apt-cache policy "$1" 2>/dev/null || true)" != *"Candidate: "[0-9]* ]]; then
    say "apt-get update..."
    as_root apt-get update -q >>"$log" 2>&1 || { [[ -n "$tmp_policy" ]] && as_root rm -f "$tmp_policy"; die "apt-get update failed - read $log"; }
  fi
  local status=0
  as_root apt-get install -y -q --no-install-recommends "$@" >>"$log" 2>&1 || status=$?
  [[ -n "$tmp_policy" ]] && as_root rm -f "$tmp_policy"
  ((status == 0)) || die "apt-get install $* failed - read $log"
}
