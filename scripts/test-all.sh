#!/usr/bin/env bash
# Every test of the repository, on real parts: prepares the machine, then builds and verifies
# every module with the Maven wrapper.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-machine.sh
./mvnw -B verify "$@"
