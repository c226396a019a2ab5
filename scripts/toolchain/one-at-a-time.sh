# Sourced by each installer here: one toolchain installer at a time per machine. Two test runs
# starting together would otherwise build into the same cache or race for apt's lock; the
# second waits here, then finds the work done. Needs log() defined by the caller.
LOCK_DIR="${SMART_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smart-fleet}"
mkdir -p "$LOCK_DIR"
exec 9>"$LOCK_DIR/.toolchain.lock"
if ! flock -n 9; then
  log "another toolchain install is running; waiting for it"
  flock 9
fi
