#!/usr/bin/env bash
# Installs what a site's real node needs beside the kubelet (built by install-kube.sh):
#   containerd 1.6, runc 1.1, the CNI plugins (bridge, host-local, loopback in /usr/lib/cni) and
#   buildah 1.28 from Debian, busybox-static (the base of small test images), and
#   the pod sandbox ("pause") image: no image can be pulled here, so pause.c from the Kubernetes
#   tree is compiled statically and committed into a FROM-scratch image with buildah, then
#   exported as a docker-archive that each node's containerd imports. Cached by pause.c's hash.
# The packages' service starts are suppressed: every site node runs its own containerd with its
# own root and socket, never the system-wide one.
# Prints the pause image's archive and its reference on the last two lines of stdout.
set -euo pipefail

CACHE="${SMART_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smart-fleet}"
KUBE_VERSION=1.20.2
PAUSE_SOURCE="$CACHE/kube-$KUBE_VERSION/src/pause.c"
NODE_CACHE="$CACHE/node"
log() { printf '[toolchain] %s\n' "$*" >&2; }
# shellcheck source=one-at-a-time.sh
source "$(dirname "${BASH_SOURCE[0]}")/one-at-a-time.sh"
# shellcheck source=debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"
PACKAGES=(containerd runc containernetworking-plugins buildah busybox-static gcc libc6-dev)
install_debian_packages "${PACKAGES[@]}"

if [ ! -f "$PAUSE_SOURCE" ]; then
  log "pause.c is missing from $PAUSE_SOURCE: run scripts/toolchain/install-kube.sh first"
  exit 1
fi
hash=$(sha256sum "$PAUSE_SOURCE" | cut -c1-12)
ref="localhost/smart-fleet-pause:$KUBE_VERSION-$hash"
archive="$NODE_CACHE/pause-$hash.tar"
if [ ! -f "$archive" ]; then
  log "building the pod sandbox image $ref"
  work=$(mktemp -d)
  gcc -static -Os -Wall -Werror -DVERSION="$KUBE_VERSION-smart-fleet" -o "$work/pause" "$PAUSE_SOURCE"
  storage=(--storage-driver vfs --root "$NODE_CACHE/buildah/root" --runroot "$NODE_CACHE/buildah/run")
  container=$(buildah "${storage[@]}" from scratch)
  buildah "${storage[@]}" copy "$container" "$work/pause" /pause >/dev/null
  buildah "${storage[@]}" config --entrypoint '["/pause"]' --user 65535:65535 "$container"
  buildah "${storage[@]}" commit --quiet "$container" "$ref" >/dev/null
  buildah "${storage[@]}" rm "$container" >/dev/null
  mkdir -p "$NODE_CACHE"
  buildah "${storage[@]}" push --quiet "$ref" "docker-archive:$archive.tmp:$ref" >&2
  mv "$archive.tmp" "$archive"
  rm -rf "$work"
fi
for tool in containerd runc buildah ctr; do command -v "$tool" >&2; done
echo "$archive"
echo "$ref"
