#!/usr/bin/env bash
# The build (swc: apps, libs and scripts into dist/) and the launcher of the commands that run from it.
# A build records a fingerprint of the sources it compiled in dist/.build-stamp; `run` compares it with
# the sources as they are now and compiles only when they differ, so `npm run audit|token|seed|openapi`
# start from the last build instead of waiting for the compiler on every call.
# Usage: build.sh                      compile (npm run build)
#        build.sh --if-stale           compile only when the sources changed since the last build
#        build.sh run FILE.js [ARG...] run dist/FILE.js with Node 24, compiling first when stale
#        build.sh fresh                exit 0 when dist/ was built from the sources as they are now
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIST="$ROOT/dist"
STAMP="$DIST/.build-stamp"
NODE="$ROOT/node_modules/.bin/node"
[[ -x "$NODE" ]] || NODE=node
# stderr: `npm run -s token` must print the token alone on stdout.
say() { printf '[build] %s\n' "$*" >&2; }

# What the build reads: the files swc compiles (the tests it ignores left out), its configuration, the
# lock (the compiler's version) and this script (the command line). Path, size and mtime, not contents:
# nothing is read, so the check takes milliseconds; a file touched but not changed costs one needless
# compilation, never a run of stale code. Deleted and added files change it too, unlike a newest-mtime test.
fingerprint() {
  (
    cd "$ROOT"
    {
      find apps libs scripts -type f ! -name '*.spec.ts' ! -name '*.int-spec.ts' ! -name '*.e2e-spec.ts' \
        ! -name '*.conformance.ts' -printf '%p %s %T@\n'
      find .swcrc package-lock.json deploy/local/build.sh -maxdepth 0 -printf '%p %s %T@\n' 2>/dev/null
    } | LC_ALL=C sort | sha256sum | cut -d' ' -f1
  )
}

fresh() { [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(fingerprint)" ]]; }

compile() {
  local fp start=$SECONDS
  # Taken before compiling: a file saved during the compilation leaves the stamp stale, so the next
  # call compiles again.
  fp="$(fingerprint)"
  # apps/web is the browser app: esbuild bundles it (scripts/build-web.ts) into dist/web, not swc.
  (cd "$ROOT" && "$NODE" node_modules/.bin/swc apps libs scripts -d dist --config-file .swcrc --quiet \
    --ignore '**/*.spec.ts,**/*.int-spec.ts,**/*.e2e-spec.ts,**/*.conformance.ts,apps/web/**' >/dev/null)
  (cd "$ROOT" && "$NODE" dist/scripts/build-web.js "$DIST/web")
  printf '%s\n' "$fp" >"$STAMP.$$"
  mv -f "$STAMP.$$" "$STAMP"
  say "compiled apps, libs and scripts into dist/ in $((SECONDS - start)) s"
}

# One compilation at a time: two at once write the same files under dist/. Whoever waited finds the
# other's build fresh and does not compile again. services.sh holds the lock while its apps load dist/
# (TRACKER_BUILD_LOCKED), so no compilation rewrites a file an app is reading.
locked() {
  if [[ -n "${TRACKER_BUILD_LOCKED:-}" ]]; then
    "$@"
    return
  fi
  mkdir -p "$ROOT/.local/run"
  exec 8>"$ROOT/.local/run/build.lock"
  flock -w "${BUILD_LOCK_TIMEOUT:-300}" 8 || {
    say "ERROR: gave up waiting for $ROOT/.local/run/build.lock"
    exit 1
  }
  "$@"
  exec 8>&-
}

if_stale() {
  if fresh; then return 0; fi
  say "sources changed since the last build (or no build yet): compiling..."
  compile
}

case "${1:-}" in
"") locked compile ;;
--if-stale)
  if fresh; then
    say "dist/ is up to date with the sources"
  else
    locked if_stale
  fi
  ;;
fresh) fresh ;;
run)
  file="${2:?usage: build.sh run FILE.js [ARG...]}"
  shift 2
  if ! fresh || [[ ! -f "$DIST/$file" ]]; then locked if_stale; fi
  [[ -f "$DIST/$file" ]] || {
    say "ERROR: the build has no dist/$file"
    exit 2
  }
  exec "$NODE" "$DIST/$file" "$@"
  ;;
*)
  echo "usage: build.sh [--if-stale] | run FILE.js [ARG...] | fresh" >&2
  exit 2
  ;;
esac
