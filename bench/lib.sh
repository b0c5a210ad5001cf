# Shared by the benchmarks: starts the shop's jars as processes on spare ports, each service on
# its own fresh database (bench_<service>), and stops them all on exit. Source it, then call
# bench_start NAME JAR [VAR=value...] and bench_await URL.
bench_logs=${bench_logs:-target/bench}
bench_pids=()
# Eureka's password and the key that seals profiles' signing keys: fresh for this run, and
# inherited by every started process.
EUREKA_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '+/=')
SHOP_SIGNING_KEY_SECRET=$(head -c 18 /dev/urandom | base64 | tr -d '+/=')
export EUREKA_PASSWORD SHOP_SIGNING_KEY_SECRET

# The Eureka URL, with this run's account, for a discovery server on this port.
bench_eureka_url() {
  echo "http://eureka:$EUREKA_PASSWORD@127.0.0.1:$1/eureka/"
}

bench_cleanup() {
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap bench_cleanup EXIT

# Builds the jars when one is missing, so a fresh clone can run a benchmark directly; then gives
# the services their gRPC certificates from the benchmarks' own authority, which fig makes.
bench_jars() {
  local jar
  for jar in "$@" container-runtime/target/shop-engine.jar; do
    [[ -f $jar ]] || { ./mvnw -B -q -DskipTests package; break; }
  done
  SHOP_PKI_DIR=$(SHOP_SECRETS_DIR=target/bench/secrets java -jar container-runtime/target/shop-engine.jar \
    fig -p bench secrets | tail -1)
  export SHOP_PKI_DIR
}

# A fresh database for this service, owned by its role (scripts/create-databases.sh made it).
bench_database() {
  local service=$1
  psql -qtA -U "${POSTGRES_ADMIN:-postgres}" -h 127.0.0.1 -d postgres \
    -c "drop database if exists bench_$service" -c "create database bench_$service owner $service" >/dev/null
}

bench_start() {
  local name=$1 jar=$2; shift 2
  mkdir -p "$bench_logs"
  env "$@" java -XX:TieredStopAtLevel=1 -Xmx256m -jar "$jar" >"$bench_logs/$name.log" 2>&1 &
  bench_pids+=($!)
}

# Waits up to 180 s for the URL to answer a status matching the pattern (default 2xx);
# extra arguments go to curl.
bench_await() {
  local url=$1 pattern=${2:-2..}
  shift $(( $# < 2 ? $# : 2 ))
  for _ in $(seq 1 180); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$@" "$url") =~ ^($pattern)$ ]] && return 0
    sleep 1
  done
  echo "$url never answered; see $bench_logs" >&2
  exit 1
}
