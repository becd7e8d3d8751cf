#!/usr/bin/env bash
# The tools that check deploy/k8s offline, cached under .local/ like the servers:
#   .local/bin/helm                       Helm, built with the machine's Go from the Go module proxy
#                                          (HELM_VERSION; rebuilt only when it or the Go version changes)
#   .local/k8s-validate/bin/kubernetes-validate
#                                          PyPI's kubernetes-validate in a venv, its Kubernetes JSON
#                                          schemas inside the package (deploy/k8s/validate-requirements.txt)
# Idempotent: with both in place it returns at once. Prints nothing but progress and errors.
# Usage: k8s-tools.sh [up]      Env: HELM_VERSION (v3.22.1), GO, PYTHON (python3)
set -euo pipefail
TAG=k8s-tools
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

HELM_VERSION="${HELM_VERSION:-v3.22.1}"
HELM="$LOCAL/bin/helm"
VENV="$LOCAL/k8s-validate"
REQUIREMENTS="$ROOT/deploy/k8s/validate-requirements.txt"

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

build_helm() {
  local go stamp log="$LOG_DIR/helm-build.log"
  go="$(find_go)" || die "no Go toolchain to build Helm (install Go >= 1.26 or set GO)"
  stamp="$(printf '%s %s' "$HELM_VERSION" "$("$go" version)" | sha256sum | cut -d' ' -f1)"
  [[ -x "$HELM" && -f "$HELM.stamp" && "$(cat "$HELM.stamp")" == "$stamp" ]] && return 0
  mkdir -p "$LOCAL/bin" "$LOCAL/go/path" "$LOCAL/go/cache" "$LOCAL/go/helm-bin"
  : >"$log"
  local start=$SECONDS
  say "helm: building $HELM_VERSION with $("$go" version | cut -d' ' -f3) (first time ~1.5-3 min on 2 cores; progress in $log)..."
  (
    export GOPATH="$LOCAL/go/path" GOMODCACHE="$LOCAL/go/path/pkg/mod" GOCACHE="$LOCAL/go/cache"
    export GOTOOLCHAIN=local GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0 GOBIN="$LOCAL/go/helm-bin"
    # The version Helm's own build stamps in (`helm version`); go install alone leaves it "v3.x".
    run_with_heartbeat "helm build" "$log" "$go" install -v -trimpath \
      -ldflags "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  ) || die "helm: go install failed - read $log"
  mv -f "$LOCAL/go/helm-bin/helm" "$HELM"
  printf '%s\n' "$stamp" >"$HELM.stamp"
  say "helm: built $HELM in $((SECONDS - start))s"
}

install_validator() {
  local python="${PYTHON:-python3}" stamp log="$LOG_DIR/k8s-validate-install.log"
  command -v "$python" >/dev/null 2>&1 || die "no $python to install kubernetes-validate (apt-get install python3-venv)"
  stamp="$(cat "$REQUIREMENTS" <("$python" --version 2>&1) | sha256sum | cut -d' ' -f1)"
  [[ -x "$VENV/bin/kubernetes-validate" && -f "$VENV/.stamp" && "$(cat "$VENV/.stamp")" == "$stamp" ]] && return 0
  : >"$log"
  say "kubernetes-validate: installing into $VENV (log $log)..."
  rm -rf "$VENV"
  if ! "$python" -m venv "$VENV" >>"$log" 2>&1; then
    apt_install "$log" python3-venv
    "$python" -m venv "$VENV" >>"$log" 2>&1 || die "kubernetes-validate: cannot create a venv - read $log"
  fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$REQUIREMENTS" >>"$log" 2>&1 ||
    die "kubernetes-validate: pip install failed - read $log"
  printf '%s\n' "$stamp" >"$VENV/.stamp"
  say "kubernetes-validate: $("$VENV/bin/kubernetes-validate" --version 2>&1 | tail -1)"
}

case "${1:-up}" in
  up)
    # Two test processes may ask at once: one builds, the other waits for it.
    exec 8>"$RUN_DIR/k8s-tools.lock"
    flock -w 900 8 || die "gave up waiting for $RUN_DIR/k8s-tools.lock"
    build_helm
    install_validator
    ;;
  *) die "usage: k8s-tools.sh [up]" ;;
esac
