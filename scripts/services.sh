#!/usr/bin/env bash
# Prints the shop's domain services from services.txt, one a line, without its comments and blank
# lines. Scripts take them as: services=($(scripts/services.sh))
set -euo pipefail
sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$(dirname "$0")/../services.txt"
