#!/usr/bin/env bash
# Every test of the repository, on real parts: prepares the machine, starts the bundled container
# engine for the tests' PostgreSQL and RabbitMQ (SHOP_TEST_INFRA=local uses this machine's servers
# instead), then builds and verifies every module with the Maven wrapper.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-machine.sh
if [[ ${SHOP_TEST_INFRA:-engine} == engine ]]; then
  source scripts/test-engine.sh
fi
./mvnw -B verify "$@"
