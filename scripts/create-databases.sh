#!/usr/bin/env bash
# One database and one role per service (docs/architecture.md), on the PostgreSQL at
# $POSTGRES_HOST:$POSTGRES_PORT (default 127.0.0.1:5432), as the superuser $POSTGRES_ADMIN.
# Idempotent: existing roles and databases are left as they are.
set -euo pipefail

# The services: from services.txt in a checkout; in the postgres container, which fig.yml gives only
# this script, from SHOP_DATABASES, which fig.yml sets to the same names.
if [[ -n ${SHOP_DATABASES:-} ]]; then
  read -ra SERVICES <<<"$SHOP_DATABASES"
else
  SERVICES=($("$(dirname "$0")/services.sh"))
fi
export PGHOST="${POSTGRES_HOST:-127.0.0.1}" PGPORT="${POSTGRES_PORT:-5432}"
ADMIN="${POSTGRES_ADMIN:-postgres}"

psql_admin() {
  psql -v ON_ERROR_STOP=1 -qtA -U "$ADMIN" -d postgres "$@"
}

for service in "${SERVICES[@]}"; do
  if [[ -z "$(psql_admin -c "select 1 from pg_roles where rolname = '$service'")" ]]; then
    psql_admin -c "create role $service login"
  fi
  # The role's password is <SERVICE>_DB_PASSWORD, which fig generates for its stack. Without one the
  # role has none, and only a server that trusts local connections (this machine's) lets it in.
  password_variable="${service^^}_DB_PASSWORD"
  if [[ -n ${!password_variable:-} ]]; then
    # Through psql's variables, which quote the value: -c would not expand them.
    psql_admin -v password="${!password_variable}" <<<"alter role $service password :'password'"
  fi
  if [[ -z "$(psql_admin -c "select 1 from pg_database where datname = '$service'")" ]]; then
    psql_admin -c "create database $service owner $service"
  fi
done
echo "databases ready on $PGHOST:$PGPORT: ${SERVICES[*]}"
