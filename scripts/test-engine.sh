#!/usr/bin/env bash
# Sourced by test-all.sh: the container engine the tests' PostgreSQL and RabbitMQ run on, through
# Testcontainers. Builds the engine's jar, starts its daemon (the default one, over
# $SHOP_ENGINE_ROOT or /var/lib/shop-engine, whose images outlive the run) when none answers,
# builds the images the tests use (PostgreSQL, RabbitMQ, and the reaper Testcontainers starts as
# its Ryuk), and exports what Testcontainers and the testing module read. The images come from
# Debian's packages through the engine's build cache: minutes the first time, seconds after.
# A daemon this script started is stopped when the shell that sourced it exits.

engine_jar=container-runtime/target/shop-engine.jar
engine_root=${SHOP_ENGINE_ROOT:-/var/lib/shop-engine}
engine_socket=$engine_root/engine.sock

echo "test-engine: building the engine"
./mvnw -B -q -pl container-runtime -am -DskipTests package

engine_answers() {
  curl -sf --unix-socket "$engine_socket" http://engine/_ping >/dev/null 2>&1
}

# A daemon this script starts is stopped when the tests are done, after the containers the tests'
# sessions left: their reapers need the daemon, and a reaper waits 10 s after its session ends.
stop_test_engine() {
  local left
  left=$(java -jar "$engine_jar" ps -aq --filter label=org.testcontainers=true 2>/dev/null || true)
  if [[ -n $left ]]; then
    java -jar "$engine_jar" rm -f $left >/dev/null 2>&1 || true
  fi
  if [[ -f $engine_root/engine.pid ]]; then
    kill "$(cat "$engine_root/engine.pid")" 2>/dev/null || true
  fi
}
if ! engine_answers; then
  trap stop_test_engine EXIT
fi

echo "test-engine: building the test images (PostgreSQL, RabbitMQ, the reaper) on the engine at $engine_socket"
java -jar "$engine_jar" fig build jre postgres rabbitmq
container-runtime/images/ryuk/build.sh >/dev/null

export DOCKER_HOST=unix://$engine_socket
export TESTCONTAINERS_RYUK_CONTAINER_IMAGE=shop/ryuk:0.1
# Mapped ports are on this machine's loopback; Testcontainers would look for a gateway when it
# thinks it runs in a container (a /.dockerenv file says so on some machines).
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
# Testcontainers' own check image (alpine) is on Docker Hub; the engine's Debian base is local.
export TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE=debian:bookworm-slim
export SHOP_TEST_POSTGRES_IMAGE=localhost:5000/shop/postgres:15
export SHOP_TEST_RABBITMQ_IMAGE=localhost:5000/shop/rabbitmq:3
