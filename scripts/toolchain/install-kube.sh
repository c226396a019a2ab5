#!/usr/bin/env bash
# Installs the local hub's Kubernetes toolchain and caches it, so the second run is instant:
#   etcd            Debian package etcd-server (3.4)
#   kubectl         Debian package kubernetes-client (1.20), unpacked into the cache: the image's
#                   /usr/bin/kubectl may belong to another package, and we never overwrite it
#   kube-apiserver  built from Debian's source package `kubernetes` (1.20.2); no binary package
#   kube-controller-manager   exists for them in Debian 12, so we build them the way Debian does.
# The one patch: the vendored modern-go/reflect2 v1.0.1 crashes on Go >= 1.18, so the tree gets
# Debian's v1.0.2 copy instead.
# Prints the cache's bin directory on the last line of stdout.
set -euo pipefail

CACHE="${SMART_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smart-fleet}"
KUBE_VERSION=1.20.2
BIN="$CACHE/kube-$KUBE_VERSION/bin"
BUILD="$CACHE/kube-$KUBE_VERSION/build"
log() { printf '[toolchain] %s\n' "$*" >&2; }
# shellcheck source=one-at-a-time.sh
source "$(dirname "${BASH_SOURCE[0]}")/one-at-a-time.sh"

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    log "installing Debian packages needs root (apt-get); run as root or install: $*"
    exit 1
  fi
}

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root "${missing[@]}"
  if [ $apt_updated -eq 0 ]; then
    log "apt-get update"
    apt-get update -qq >&2
    apt_updated=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_deb_src() {
  local f=/etc/apt/sources.list.d/smart-fleet-src.sources
  grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ /etc/apt/sources.list 2>/dev/null && return 0
  need_root "a deb-src entry"
  local uris
  uris=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uris" ] || { log "cannot find the Debian mirror in /etc/apt/sources.list.d/debian.sources"; exit 1; }
  log "adding a deb-src entry for bookworm main ($f)"
  printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uris" >"$f"
  apt-get update -qq >&2
  apt_updated=1
}

install_kubectl() {
  [ -x "$BIN/kubectl" ] && return 0
  apt_install ca-certificates
  local tmp
  tmp=$(mktemp -d)
  [ $apt_updated -eq 1 ] || { apt-get update -qq >&2; apt_updated=1; }
  log "fetching kubernetes-client (kubectl) into the cache"
  (cd "$tmp" && apt-get download -qq kubernetes-client >&2)
  dpkg-deb -x "$tmp"/kubernetes-client_*.deb "$tmp/x"
  install -m 0755 "$tmp/x/usr/bin/kubectl" "$BIN/kubectl"
  rm -rf "$tmp"
}

build_control_plane() {
  if [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kube-controller-manager" ]; then return 0; fi
  apt_install golang-go rsync golang-github-modern-go-reflect2-dev dpkg-dev make
  ensure_deb_src
  mkdir -p "$BUILD"
  local src="$BUILD/kubernetes-$KUBE_VERSION"
  if [ ! -d "$src" ]; then
    log "downloading Debian's kubernetes source package"
    # Debian 12 ships it as 1.20.5+really1.20.2: the 1.20.2 tree under a bumped version.
    ls "$BUILD"/kubernetes_*.orig.tar.* >/dev/null 2>&1 || \
      (cd "$BUILD" && apt-get source --download-only -qq kubernetes >&2)
    local orig
    orig=$(ls "$BUILD"/kubernetes_*.orig.tar.* | head -n1)
    mkdir -p "$src.tmp"
    tar -xf "$orig" -C "$src.tmp" --strip-components=1
    mv "$src.tmp" "$src"
  fi
  log "replacing vendored modern-go/reflect2 with Debian's v1.0.2"
  rm -rf "$src/vendor/github.com/modern-go/reflect2"
  cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 "$src/vendor/github.com/modern-go/reflect2"
  mkdir -p "$BUILD/.go/src/k8s.io"
  ln -sfn "$src" "$BUILD/.go/src/k8s.io/kubernetes"
  log "building kube-apiserver and kube-controller-manager (about 9 minutes on 2 cores, once)"
  local start=$SECONDS
  (cd "$BUILD/.go/src/k8s.io/kubernetes" && \
    GOPATH="$BUILD/.go" GOFLAGS=-mod=vendor CGO_ENABLED=0 GOCACHE="$BUILD/gocache" \
    make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >&2)
  local out="$src/_output/bin"
  [ -x "$out/kube-apiserver" ] || out=$(dirname "$(find "$src/_output" -type f -name kube-apiserver | head -n1)")
  install -m 0755 "$out/kube-apiserver" "$BIN/kube-apiserver"
  install -m 0755 "$out/kube-controller-manager" "$BIN/kube-controller-manager"
  log "built in $((SECONDS - start)) s"
  # The source tree and Go cache are large; the binaries are all later runs need.
  rm -rf "$BUILD"
}

mkdir -p "$BIN"
apt_install etcd-server openssl
ln -sfn "$(command -v etcd)" "$BIN/etcd"
install_kubectl
build_control_plane
"$BIN/kube-apiserver" --version >&2
echo "$BIN"
