#!/usr/bin/env bash
# Installs the local hub's Kubernetes toolchain and caches it, so the second run is instant:
#   etcd            Debian package etcd-server (3.4)
#   kubectl         Debian package kubernetes-client (1.20), unpacked into the cache: the image's
#                   /usr/bin/kubectl may belong to another package, and we never overwrite it
#   kube-apiserver  built from Debian's source package `kubernetes` (1.20.2); no binary package
#   kube-controller-manager   exists for them in Debian 12, so we build them the way Debian does.
#   kube-scheduler  the same, for the sites' own clusters (a real node: scripts/toolchain/install-node.sh
#   kubelet         adds containerd, runc and the CNI plugins); pause.c is kept for the sandbox image.
# Two patches: the vendored modern-go/reflect2 v1.0.1 crashes on Go >= 1.18, so the tree gets
# Debian's v1.0.2 copy instead; and the kubelet's device manager dials plugins with
# :authority "localhost" (the fix Kubernetes made in 1.26, kubernetes/kubernetes#112597): 1.20 sends
# the socket's path, which HTTP/2 servers other than grpc-go's (Node's, so our device plugin) refuse.
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

# Every binary built from the Kubernetes tree; only the missing ones are built.
KUBE_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet)
# Marks a kubelet built with the device-plugin authority fix; one built before it is built again.
KUBELET_FIX_MARKER="$BIN/kubelet.device-plugin-authority"

build_kube_binaries() {
  [ -f "$KUBELET_FIX_MARKER" ] || rm -f "$BIN/kubelet"
  local missing=()
  for b in "${KUBE_BINARIES[@]}"; do [ -x "$BIN/$b" ] || missing+=("$b"); done
  [ ${#missing[@]} -eq 0 ] && return 0
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
  log "dialling device plugins with :authority localhost (backport of kubernetes/kubernetes#112597)"
  local endpoint="$src/pkg/kubelet/cm/devicemanager/endpoint.go"
  grep -q 'grpc.WithAuthority("localhost")' "$endpoint" || \
    sed -i 's/grpc.WithInsecure(), grpc.WithBlock(),$/grpc.WithInsecure(), grpc.WithBlock(), grpc.WithAuthority("localhost"),/' "$endpoint"
  grep -q 'grpc.WithAuthority("localhost")' "$endpoint" || { log "the device-plugin authority patch did not apply to $endpoint"; exit 1; }
  mkdir -p "$BUILD/.go/src/k8s.io"
  ln -sfn "$src" "$BUILD/.go/src/k8s.io/kubernetes"
  local what=()
  for b in "${missing[@]}"; do what+=("cmd/$b"); done
  log "building ${missing[*]} (about 9 minutes on 2 cores for the API server, 6 for kubelet and scheduler; once)"
  local start=$SECONDS
  (cd "$BUILD/.go/src/k8s.io/kubernetes" && \
    GOPATH="$BUILD/.go" GOFLAGS=-mod=vendor CGO_ENABLED=0 GOCACHE="$BUILD/gocache" \
    make WHAT="${what[*]}" >&2)
  for b in "${missing[@]}"; do
    local built="$src/_output/bin/$b"
    [ -x "$built" ] || built=$(find "$src/_output" -type f -name "$b" | head -n1)
    install -m 0755 "$built" "$BIN/$b"
  done
  touch "$KUBELET_FIX_MARKER"
  # The pod sandbox's pause process, compiled by install-node.sh (no image can be pulled here).
  install -D -m 0644 "$src/build/pause/linux/pause.c" "$CACHE/kube-$KUBE_VERSION/src/pause.c"
  log "built in $((SECONDS - start)) s"
  # The source tree and Go cache are large; the binaries are all later runs need.
  rm -rf "$BUILD"
}

# A cache from before the sites had nodes has the binaries but not pause.c: take just that file.
ensure_pause_source() {
  local dest="$CACHE/kube-$KUBE_VERSION/src/pause.c"
  [ -f "$dest" ] && return 0
  ensure_deb_src
  local tmp
  tmp=$(mktemp -d)
  log "fetching pause.c from Debian's kubernetes source package"
  (cd "$tmp" && apt-get source --download-only -qq kubernetes >&2)
  tar -xzf "$tmp"/kubernetes_*.orig.tar.gz -C "$tmp" --strip-components=1 "kubernetes-$KUBE_VERSION/build/pause/linux/pause.c"
  install -D -m 0644 "$tmp/build/pause/linux/pause.c" "$dest"
  rm -rf "$tmp"
}

mkdir -p "$BIN"
apt_install etcd-server openssl
ln -sfn "$(command -v etcd)" "$BIN/etcd"
install_kubectl
build_kube_binaries
ensure_pause_source
"$BIN/kube-apiserver" --version >&2
echo "$BIN"
