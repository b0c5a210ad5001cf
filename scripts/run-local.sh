#!/usr/bin/env bash
# Runs the shop as plain processes on this host (until `./fig up` lands): Eureka on 8761, the
# catalog on 8081 (gRPC 9081), shipping on 8083 (gRPC 9083), profiles on 8087 (gRPC 9087) and
# the gateway with the web front-end on 8080. SHOP_ADMIN_EMAIL and SHOP_ADMIN_PASSWORD set the
# admin account. Ctrl-C stops them all. Logs go to target/run-local/<service>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-machine.sh
JARS=(discovery/target/discovery.jar services/catalog/target/catalog.jar
  services/shipping/target/shipping.jar services/profiles/target/profiles.jar gateway/target/gateway.jar)
for jar in "${JARS[@]}"; do
  [[ -f $jar && -z "${REBUILD:-}" ]] || { ./mvnw -B -q -DskipTests package; break; }
done

logs=target/run-local
mkdir -p "$logs"
pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "stopping the shop"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait
}
trap stop_all INT TERM EXIT

start() {
  local name=$1 jar=$2
  java -XX:TieredStopAtLevel=1 -Xmx256m -jar "$jar" >"$logs/$name.log" 2>&1 &
  pids+=($!)
  echo "started $name (pid $!, log $logs/$name.log)"
}

start discovery discovery/target/discovery.jar
start catalog services/catalog/target/catalog.jar
start shipping services/shipping/target/shipping.jar
start profiles services/profiles/target/profiles.jar
start gateway gateway/target/gateway.jar

echo "waiting for the gateway to route to the catalog..."
for _ in $(seq 1 180); do
  if curl -fs -o /dev/null http://127.0.0.1:8080/api/catalog/products?size=1; then
    echo "The shop is up: http://localhost:8080  (Eureka: http://localhost:8761)  Ctrl-C stops it."
    wait
    exit 0
  fi
  sleep 1
done
echo "the gateway did not route to the catalog within 180 s; see $logs/" >&2
exit 1
