#!/bin/sh
# First start of an empty PGDATA: initdb with POSTGRES_USER and POSTGRES_PASSWORD, create
# POSTGRES_DB, run /docker-entrypoint-initdb.d/*.sql and *.sh against it on a server that listens
# on the unix socket only; then (and on every later start) exec postgres listening on all addresses.
set -eu

if [ "${1:-}" != postgres ]; then
  exec "$@"
fi
shift

user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "error: POSTGRES_PASSWORD is not set; the database would have no password" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" -E UTF8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"

  # The temporary server logs as the final one will: Testcontainers' PostgreSQL module, like Docker
  # Hub's image, waits for "database system is ready to accept connections" from both.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -k /var/run/postgresql" -w start
  psql="psql -v ON_ERROR_STOP=1 -h /var/run/postgresql -U $user --no-psqlrc"
  if [ "$db" != postgres ]; then
    $psql -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) echo "running $f"; $psql -d "$db" -f "$f" ;;
      # As Docker Hub's image: an executable script runs on its own, any other is sourced.
      *.sh) echo "running $f"; if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "PostgreSQL init process complete; ready for start up."
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' -k /var/run/postgresql "$@"
