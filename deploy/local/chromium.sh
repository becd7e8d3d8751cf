#!/usr/bin/env bash
# Debian's chromium for the web app's browser tests (test/e2e/web-*.e2e-spec.ts drive it headless with
# playwright-core): no browser is ever downloaded, the system package is the browser. Installs it with
# apt-get once, then prints its path. CHROMIUM_PATH, when set, names another build to use instead.
# Usage: chromium.sh            ensure installed, print the executable's path
set -euo pipefail
TAG=chromium
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  [[ -x "$CHROMIUM_PATH" ]] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
  printf '%s\n' "$CHROMIUM_PATH"
  exit 0
fi
if ! command -v chromium >/dev/null 2>&1; then
  say "chromium missing, installing Debian's with apt-get (once, ~1 min)..." >&2
  # fonts-liberation: pages render with real metrics (the package only recommends a font).
  apt_install "$LOG_DIR/chromium-install.log" chromium fonts-liberation
  say "installed $(chromium --version 2>/dev/null | head -1)" >&2
fi
command -v chromium
