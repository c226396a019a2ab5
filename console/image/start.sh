#!/bin/sh
# Starts the console image: writes config.json and the security headers (CSP) from the
# Deployment's environment into /tmp (the root filesystem is read-only), then runs nginx in the
# foreground. Refuses to start on a missing setting or one that would break the JSON, naming it.
set -eu
dir=/tmp/smart-fleet
mkdir -p "$dir"
for name in SMART_FLEET_API_URL SMART_FLEET_OIDC_ISSUER SMART_FLEET_OIDC_CLIENT_ID; do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    echo "smart-fleet-console: $name is not set" >&2
    exit 2
  fi
  case "$value" in
    *'"'* | *'\'* | *' '*) echo "smart-fleet-console: $name may not contain quotes, backslashes or spaces" >&2; exit 2 ;;
  esac
done
printf '{"apiUrl":"%s","oidcIssuer":"%s","oidcClientId":"%s"}\n' \
  "$SMART_FLEET_API_URL" "$SMART_FLEET_OIDC_ISSUER" "$SMART_FLEET_OIDC_CLIENT_ID" >"$dir/config.json"
origin() { echo "$1" | sed -E 's#^(https?://[^/]+).*#\1#'; }
issuer=$(origin "$SMART_FLEET_OIDC_ISSUER")
api=$(case "$SMART_FLEET_API_URL" in http*) origin "$SMART_FLEET_API_URL" ;; esac)
{
  echo 'add_header X-Content-Type-Options nosniff always;'
  echo 'add_header X-Frame-Options DENY always;'
  echo 'add_header Referrer-Policy no-referrer always;'
  printf "add_header Content-Security-Policy \"default-src 'self'; connect-src 'self' %s %s; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; child-src 'self' blob:; frame-ancestors 'none'; form-action 'self' %s\" always;\n" \
    "$issuer" "$api" "$issuer"
} >"$dir/headers.conf"
exec nginx -g 'daemon off;'
