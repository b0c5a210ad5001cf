#!/bin/sh
# Builds the reaper image (Dockerfile beside this script) with the engine's own CLI. The jar is
# not in git, so the context is a temporary directory holding the Dockerfile and
# container-runtime/target/shop-engine.jar (./mvnw -f container-runtime/pom.xml package first).
# Usage: build.sh [build options...], e.g. --build-arg BASE_IMAGE=shop/jre:25
# The tag is $RYUK_IMAGE, default shop/ryuk:0.1; the engine is $DOCKER_HOST's, else the default one.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/../../target/shop-engine.jar"
if [ ! -f "$jar" ]; then
    echo "build.sh: no $jar; build it first: ./mvnw -pl container-runtime -am package -DskipTests" >&2
    exit 1
fi
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$here/Dockerfile" "$jar" "$context/"
java -jar "$jar" build -t "${RYUK_IMAGE:-shop/ryuk:0.1}" "$@" "$context"
