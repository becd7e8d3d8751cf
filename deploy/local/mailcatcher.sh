#!/usr/bin/env bash
# The local mail catcher for development: MailDev (npm maildev, a dev dependency) takes the follow-up
# service's alert mails over SMTP on 127.0.0.1:$MAILDEV_SMTP_PORT (1025) and shows them in a web inbox
# on http://127.0.0.1:$MAILDEV_WEB_PORT (1080). Nothing leaves the machine. Mails are kept under
# .local/maildev (the last 1,000). `up` is idempotent: a catcher that answers is left running.
# Usage: mailcatcher.sh up|down|status
set -euo pipefail
TAG=mail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

SMTP_PORT="${MAILDEV_SMTP_PORT:-1025}"
WEB_PORT="${MAILDEV_WEB_PORT:-1080}"
NAME=maildev
LOG="$LOG_DIR/maildev.log"
DATA="$LOCAL/maildev"

ready() { curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:$WEB_PORT/api/healthz" && port_open "$SMTP_PORT"; }

up() {
  local pid
  if pid="$(alive_or_adopt "$NAME" "$WEB_PORT")"; then
    require_on_port maildev "$pid" "$WEB_PORT"
    wait_until maildev "${READY_TIMEOUT}" "$LOG" "$NAME@$WEB_PORT" ready
    report maildev "running, left as is (pid $pid, inbox http://127.0.0.1:$WEB_PORT)"
    return 0
  fi
  for port in "$SMTP_PORT" "$WEB_PORT"; do
    port_open "$port" && die "maildev: port $port is taken by another process ($(port_owner "$port" || echo unknown)); set MAILDEV_SMTP_PORT / MAILDEV_WEB_PORT"
  done
  mkdir -p "$DATA"
  say "maildev: starting (SMTP 127.0.0.1:$SMTP_PORT, inbox http://127.0.0.1:$WEB_PORT, log $LOG)..."
  start_bg "$NAME" "$LOG" "$ROOT/node_modules/.bin/node" "$ROOT/node_modules/maildev/dist/bin/maildev.js" \
    --smtp "$SMTP_PORT" --ip 127.0.0.1 --web "$WEB_PORT" --web-ip 127.0.0.1 \
    --mail-directory "$DATA" --max-emails 1000
  wait_until maildev "${READY_TIMEOUT}" "$LOG" "$NAME@$WEB_PORT" ready
  report maildev "started (pid $(pid_of "$NAME"), inbox http://127.0.0.1:$WEB_PORT)"
}

down() {
  alive_or_adopt "$NAME" "$WEB_PORT" >/dev/null || true
  stop_pid "$NAME"
}

status() {
  local pid
  if pid="$(pid_of "$NAME")" && ready; then
    say "maildev: running (pid $pid), SMTP 127.0.0.1:$SMTP_PORT, inbox http://127.0.0.1:$WEB_PORT"
  else
    say "maildev: stopped"
    return 3
  fi
}

case "${1:-}" in status | "") ;; *) infra_lock ;; esac
case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: mailcatcher.sh up|down|status" ;;
esac
