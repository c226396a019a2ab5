#!/usr/bin/env bash
# Installs what builds the component images (hub/src/images/): buildah 1.28 and mmdebstrap from
# Debian. Nothing else: building images needs no Kubernetes binaries and no container runtime
# (no Containerfile here has a RUN).
set -euo pipefail

log() { printf '[toolchain] %s\n' "$*" >&2; }
# shellcheck source=one-at-a-time.sh
source "$(dirname "${BASH_SOURCE[0]}")/one-at-a-time.sh"
# shellcheck source=debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"
install_debian_packages buildah mmdebstrap
command -v buildah
command -v mmdebstrap
