#!/bin/sh
# Writes down the accounts prometheus.yml and the web configuration read from files: the services'
# metrics account (METRICS_PASSWORD), Eureka's (EUREKA_PASSWORD) and the stack's own account for
# Prometheus' API and pages (user shop, PROMETHEUS_PASSWORD, kept as a bcrypt hash). Without any
# of them it refuses to start rather than serve anyone or scrape nothing.
set -eu
for name in METRICS_PASSWORD EUREKA_PASSWORD PROMETHEUS_PASSWORD; do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    echo "error: $name is not set" >&2
    exit 1
  fi
done
umask 077
auth=/tmp/prometheus-auth
mkdir -p "$auth"
printf '%s' "$METRICS_PASSWORD" >"$auth/metrics"
printf '%s' "$EUREKA_PASSWORD" >"$auth/eureka"
# From stdin, so the password is in no process's arguments.
hash=$(printf '%s\n' "$PROMETHEUS_PASSWORD" | htpasswd -niB shop | cut -d: -f2-)
printf 'basic_auth_users:\n  shop: "%s"\n' "$hash" >"$auth/web.yml"
# For the HEALTHCHECK's request.
printf 'shop:%s' "$PROMETHEUS_PASSWORD" | base64 -w0 >"$auth/basic"
exec /usr/bin/prometheus --config.file=/etc/prometheus/prometheus.yml --web.config.file="$auth/web.yml" \
  --storage.tsdb.path=/var/lib/prometheus/metrics2 --storage.tsdb.retention.time=2d "$@"
