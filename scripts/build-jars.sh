#!/usr/bin/env bash
# Builds, with the Maven wrapper, the services' jars (and discovery's and the gateway's) that are
# missing or older than their sources, which the Dockerfiles copy into the images. ./fig runs it
# before the commands that build images, and fig watch before each rebuild (fig.yml's x-fig-watch).
set -euo pipefail
cd "$(dirname "$0")/.."

stale() { # jar, source dirs...: true when the jar is missing or a source is newer
  local jar=$1; shift
  [[ ! -f $jar ]] || [[ -n $(find "$@" -newer "$jar" -type f -print -quit 2>/dev/null) ]]
}

modules=()
# A service's jar also holds the shared modules it depends on, and the parent pom sets every version.
shared=(pom.xml contracts/src/main contracts/pom.xml platform/src/main platform/pom.xml)
for dir in discovery gateway services/*/; do
  dir=${dir%/}
  sources=("$dir/src/main" "$dir/pom.xml" pom.xml)
  [[ $dir == services/* ]] && sources+=("${shared[@]}")
  stale "$dir/target/$(basename "$dir").jar" "${sources[@]}" && modules+=("$dir")
done
if ((${#modules[@]})); then
  echo "fig: building ${modules[*]}" >&2
  # forceCreation: a jar whose own classes did not change must still take its changed dependencies.
  ./mvnw -B -q -DskipTests -Dmaven.jar.forceCreation=true package -pl "$(IFS=,; echo "${modules[*]}")" -am >&2
fi
