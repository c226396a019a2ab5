#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the console's end-to-end tests and benchmark
# (driven with playwright-core; `npx playwright install` cannot download browsers here), and the
# Noto CJK fonts so Korean text renders as glyphs in screenshots rather than boxes.
# Prints the browser's path on the last line of stdout.
set -euo pipefail

log() { printf '[toolchain] %s\n' "$*" >&2; }
# shellcheck source=one-at-a-time.sh
source "$(dirname "${BASH_SOURCE[0]}")/one-at-a-time.sh"
PACKAGES=(chromium fonts-noto-cjk)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "installing Debian packages needs root (apt-get); run as root or install: ${missing[*]}"
    exit 1
  fi
  log "apt-get update"
  apt-get update -qq >&2
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
command -v chromium
