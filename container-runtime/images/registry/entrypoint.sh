#!/bin/sh
# The registry answers only the stack's account: REGISTRY_USER (default shop) and REGISTRY_PASSWORD,
# written here as the bcrypt htpasswd file that distribution reads. Without a password it refuses to
# start rather than serve anyone who reaches it.
set -eu
if [ -z "${REGISTRY_PASSWORD:-}" ]; then
  echo "error: REGISTRY_PASSWORD is not set; the registry would serve anyone" >&2
  exit 1
fi
# From stdin, so the password is in no process's arguments.
printf '%s\n' "$REGISTRY_PASSWORD" | htpasswd -iBc /tmp/htpasswd "${REGISTRY_USER:-shop}" 2>/dev/null
exec /usr/bin/docker-registry "$@"
