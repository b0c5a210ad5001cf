#!/usr/bin/env bash
# Runs the shop as plain processes on this host (until `./fig up` lands): Eureka on 8761, the
# gateway with the web front-end on 8080, and the services of services.txt (catalog, inventory,
# shipping, payment, billing, recommendations and profiles on 8081..8087, gRPC on 9081..9087), with
# events on the local RabbitMQ. SHOP_ADMIN_EMAIL and SHOP_ADMIN_PASSWORD set the admin account.
# Eureka's password, the key that seals profiles' token signing keys and the admin's password,
# unless set, come from ~/.config/shop/secrets/local.env (0600; SHOP_SECRETS_DIR moves it), and the
# services' gRPC certificates from local.pki beside it: `fig -p local secrets` makes both once, as
# `fig up` does for its stacks, and shows the admin's password on the terminal that made it.
# Every service listens on 127.0.0.1 only.
# Ctrl-C stops them all. Logs go to target/run-local/<service>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-machine.sh
SERVICES=($(scripts/services.sh))
JARS=(container-runtime/target/shop-engine.jar discovery/target/discovery.jar gateway/target/gateway.jar)
for service in "${SERVICES[@]}"; do JARS+=("services/$service/target/$service.jar"); done
for jar in "${JARS[@]}"; do
  [[ -f $jar && -z "${REBUILD:-}" ]] || { ./mvnw -B -q -DskipTests package; break; }
done

# fig makes what fig.yml asks for, here for the project "local": the stack's passwords into
# local.env (the admin's shown once) and each service's gRPC certificate into local.pki, the
# development authority that a service started with no SHOP_PKI_DIR uses.
made=$(java -jar container-runtime/target/shop-engine.jar fig -p local secrets)
head -n -2 <<<"$made" # what it made this time, with the admin's password if it made that
secrets_file=$(tail -n 2 <<<"$made" | head -n 1)
export SHOP_PKI_DIR=$(tail -n 1 <<<"$made")
for name in EUREKA_PASSWORD SHOP_SIGNING_KEY_SECRET SHOP_ADMIN_PASSWORD; do
  [[ -n ${!name:-} ]] || export "$name=$(grep "^$name=" "$secrets_file" | cut -d= -f2-)"
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
for service in "${SERVICES[@]}"; do
  start "$service" "services/$service/target/$service.jar"
done
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
