#!/usr/bin/env bash
# Builds, with the Maven wrapper, the services' jars (and discovery's and the gateway's) that are
# missing or older than their sources, which the Dockerfiles copy into the images. ./fig runs it
# before the commands that build images, and fig watch before each rebuild (fig.yml's x-fig-watch).
set -euo pipefail
cd "$(dirname "$0")/.."
# One build at a time in this checkout (fig watch's and a ./fig up's): Maven runs on the same target folders.
exec 9<"$0"
flock 9

stale() { # jar, source dirs...: true when the jar is missing or a source is newer
  local jar=$1; shift
  [[ ! -f $jar ]] || [[ -n $(find "$@" -newer "$jar" -type f -print -quit 2>/dev/null) ]]
}

modules=() jars=()
# A service's jar also holds the shared modules it depends on, and the parent pom sets every version.
shared=(pom.xml contracts/src/main contracts/pom.xml platform/src/main platform/pom.xml)
for dir in discovery gateway services/*/; do
  dir=${dir%/}
  sources=("$dir/src/main" "$dir/pom.xml" pom.xml)
  [[ $dir == services/* ]] && sources+=("${shared[@]}")
  jar=$dir/target/$(basename "$dir").jar
  stale "$jar" "${sources[@]}" && modules+=("$dir") jars+=("$jar")
done
if ((${#modules[@]})); then
  echo "fig: building ${modules[*]}" >&2
  # A service whose own sources did not change is still compiled again when a module it depends on
  # changed (the compiler plugin sees the newer jar), so its jar takes the change. Forcing every jar
  # to be written anew made each module downstream compile again instead: 8 s more per build.
  ./mvnw -B -q -DskipTests package -pl "$(IFS=,; echo "${modules[*]}")" -am >&2
  # Maven leaves a jar that was up to date as it was, older than the source that made it look stale.
  touch "${jars[@]}"
fi
