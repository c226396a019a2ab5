#!/usr/bin/env bash
# Installs the data plane's Debian tools: ffmpeg 5.1 (with ffprobe) for the packager and the
# tests' player, nginx 1.22 for the distribution origin and the streaming edge. The packages'
# service start is suppressed: the origin and edges run their own nginx on loopback with their
# own configuration, never a system-wide one on :80.
set -euo pipefail

log() { printf '[toolchain] %s\n' "$*" >&2; }
# shellcheck source=one-at-a-time.sh
source "$(dirname "${BASH_SOURCE[0]}")/one-at-a-time.sh"
PACKAGES=(ffmpeg nginx)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "installing Debian packages needs root (apt-get); run as root or install: ${missing[*]}"
    exit 1
  fi
  # Refuse service starts for the length of the install (policy-rc.d's documented exit code 101).
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  log "apt-get update"
  apt-get update -qq >&2
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
command -v ffmpeg
command -v ffprobe
command -v nginx
