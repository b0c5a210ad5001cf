#!/usr/bin/env bash
# Makes this machine ready to run and test the shop: the Debian packages the tests use, a
# running PostgreSQL and RabbitMQ, and the services' databases. Idempotent, and quick when
# everything is already there. Run as root on Debian 12 (apt-get is used only for what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(postgresql rabbitmq-server chromium chromium-driver wrk curl)
declare -A COMMAND_OF=([postgresql]=pg_ctlcluster [rabbitmq-server]=rabbitmq-server
  [chromium]=chromium [chromium-driver]=chromedriver [wrk]=wrk [curl]=curl)

missing=()
for package in "${PACKAGES[@]}"; do
  command -v "${COMMAND_OF[$package]}" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

await_port() {
  local name=$1 port=$2
  for _ in $(seq 1 60); do
    port_open "$port" && return 0
    sleep 1
  done
  echo "$name did not open port $port within 60 s" >&2
  exit 1
}

if ! port_open 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  await_port PostgreSQL 5432
fi
if ! port_open 5672; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached
  await_port RabbitMQ 5672
fi

scripts/create-databases.sh
# The engine's runtimes and its Debian base filesystem (cached outside the clone), then what its
# tests run beside it (skopeo, docker-registry, docker-compose, Podman).
container-runtime/ci-prereqs.sh
container-runtime/test-prereqs.sh
