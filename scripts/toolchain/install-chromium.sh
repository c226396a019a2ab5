#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the console's end-to-end tests and benchmark
# (driven with playwright-core; `npx playwright install` cannot download browsers here), and the
# Noto CJK fonts so Korean text renders as glyphs in screenshots rather than boxes.
# Prints the browser's path on the last line of stdout.
set -euo pipefail

log() { printf '[toolchain] %s\n' "$*" >&2; }
# shellcheck source=one-at-a-time.sh
source "$(dirname "${BASH_SOURCE[0]}")/one-at-a-time.sh"
# shellcheck source=debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"
PACKAGES=(chromium fonts-noto-cjk)
install_debian_packages "${PACKAGES[@]}"
command -v chromium
