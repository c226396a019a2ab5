#!/usr/bin/env bash
# Installs the data plane's Debian tools: ffmpeg 5.1 (with ffprobe) for the packager and the
# tests' player, nginx 1.22 for the distribution origin and the streaming edge. The packages'
# service start is suppressed: the origin and edges run their own nginx on loopback with their
# own configuration, never a system-wide one on :80.
set -euo pipefail

log() { printf '[toolchain] %s\n' "$*" >&2; }
# shellcheck source=one-at-a-time.sh
source "$(dirname "${BASH_SOURCE[0]}")/one-at-a-time.sh"
# shellcheck source=debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"
PACKAGES=(ffmpeg nginx)
install_debian_packages "${PACKAGES[@]}"
command -v ffmpeg
command -v ffprobe
command -v nginx
