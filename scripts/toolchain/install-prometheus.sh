#!/usr/bin/env bash
# Installs the telemetry history's Prometheus (Debian's `prometheus` package, 2.42) into the
# cache, so the second run is instant. The binary is unpacked from the .deb rather than the
# package installed: installing it would also start a system-wide Prometheus on :9090, and
# `npm start` and the tests run their own on loopback with their own configuration.
# Prints the cache's bin directory on the last line of stdout.
set -euo pipefail

CACHE="${SMART_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smart-fleet}"
BIN="$CACHE/prometheus-2.42/bin"
log() { printf '[toolchain] %s\n' "$*" >&2; }
# shellcheck source=one-at-a-time.sh
source "$(dirname "${BASH_SOURCE[0]}")/one-at-a-time.sh"

if [ -x "$BIN/prometheus" ]; then
  echo "$BIN"
  exit 0
fi
mkdir -p "$BIN"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp" # apt's download user must be able to write there
log "fetching Debian's prometheus package into the cache"
if ! (cd "$tmp" && apt-get download -qq prometheus >&2 2>/dev/null); then
  if [ "$(id -u)" -ne 0 ]; then
    log "cannot download Debian's prometheus package: the package lists may be missing, which only root can refresh (apt-get update); run as root once, or put a prometheus 2.42 binary at $BIN/prometheus"
    exit 1
  fi
  log "apt-get update"
  apt-get update -qq >&2
  (cd "$tmp" && apt-get download -qq prometheus >&2)
fi
dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/x"
install -m 0755 "$tmp/x/usr/bin/prometheus" "$BIN/prometheus"
"$BIN/prometheus" --version 2>&1 | head -n1 >&2
echo "$BIN"
