# Sourced by the installers here: `install_debian_packages PKG...` installs those of the Debian
# packages that are missing, as root, with the packages' service starts refused for the length of
# the install (policy-rc.d's documented exit code 101): our nginx, containerd and the rest run
# with their own configuration on loopback, never as system-wide services. Needs log() defined.
install_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "installing Debian packages needs root (apt-get); run as root or install: ${missing[*]}"
    exit 1
  fi
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    made_policy=1
  fi
  log "apt-get update"
  apt-get update -qq >&2
  log "apt-get install ${missing[*]}"
  local status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || status=$?
  [ $made_policy -eq 1 ] && rm -f "$policy"
  return $status
}
