#!/usr/bin/env bash
# A team's own pipeline: one service built and tested alone, with the modules it depends on
# (contracts, platform, testing) and their own tests, the gRPC and REST contract checks among
# them, on this machine's PostgreSQL and RabbitMQ. The repository's CI (scripts/test-all.sh)
# stays the whole.
# Usage: scripts/ci-service.sh SERVICE [maven arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

service=${1:-}
if [[ -z $service ]] || ! scripts/services.sh | grep -qx -- "$service"; then
  echo "usage: scripts/ci-service.sh SERVICE [maven arguments...], SERVICE one of: $(scripts/services.sh | tr '\n' ' ')" >&2
  exit 2
fi
shift
scripts/setup-machine.sh
SHOP_TEST_INFRA=local exec ./mvnw -B verify -pl "services/$service" -am "$@"
