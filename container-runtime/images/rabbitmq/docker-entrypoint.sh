#!/bin/sh
# Turns RABBITMQ_DEFAULT_USER and RABBITMQ_DEFAULT_PASS into rabbitmq.conf, as Docker Hub's image
# reads them; without them the broker keeps its guest user, reachable from localhost only.
set -eu

if [ -n "${RABBITMQ_DEFAULT_USER:-}" ] || [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then
  cat >/etc/rabbitmq/rabbitmq.conf <<CONF
default_user = ${RABBITMQ_DEFAULT_USER:-guest}
default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}
loopback_users = none
listeners.tcp.default = 5672
CONF
fi

# Debian's /usr/sbin/rabbitmq-server sends the broker's output to /var/log/rabbitmq/startup_log;
# the broker itself, started directly, writes to the container's output as Docker Hub's does.
if [ "${1:-}" = rabbitmq-server ]; then
  shift
  set -- /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
fi
exec "$@"
