#!/usr/bin/env bash
# Builds and starts the demo stack: the demo services (7101-7111) and the four BFFs
# (web 8081, mobile 8082, tv 8083, partner 8084; admin 9081-9084), in-memory defaults.
#   deploy/run-demo.sh          build, start, print where to point curl (stays in the background)
#   deploy/run-demo.sh stop     stop what it started
#   deploy/run-demo.sh --no-build   start without rebuilding
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
run="$root/.run"
mkdir -p "$run"

stop() {
  for f in "$run"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    rm -f "$f"
  done
  echo "demo stack stopped"
}

if [ "${1:-}" = "stop" ]; then stop; exit 0; fi
stop >/dev/null

if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  echo "installing a JDK and Maven (needs root)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless maven curl
fi

if [ "${1:-}" != "--no-build" ]; then
  echo "building (mvn -DskipTests package)..."
  (cd "$root" && mvn -B -q -ntp -DskipTests package)
fi

start() { # name jar
  local name=$1 jar=$2
  nohup java -Xms64m -Xmx512m -jar "$jar" >"$run/$name.log" 2>&1 &
  echo $! >"$run/$name.pid"
}

start demo-services "$root/deploy/demo-services/target/demo-services.jar"
for b in web mobile tv partner; do start "bff-$b" "$root/bff-$b/target/bff-$b.jar"; done

wait_ready() { # url name
  for _ in $(seq 1 60); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "$2 did not become ready; see $run/$2.log" >&2
  return 1
}
wait_ready http://127.0.0.1:7101/health demo-services
for p in 9081 9082 9083 9084; do wait_ready "http://127.0.0.1:$p/health/ready" "admin:$p"; done

cat <<MSG
demo stack is up (logs and PIDs in $run; stop with: deploy/run-demo.sh stop)
  curl -s localhost:8081/api/products/1                  # bff-web, pass-through to catalog
  curl -s -i localhost:8081/api/product-details/1        # bff-web, the product page composed from 7 parts
  curl -s localhost:8081/api/home                        # bff-web, composed in YAML
  curl -s -i localhost:8082/m/product-details/1          # bff-mobile, small screen with ETag
  curl -s localhost:8083/tv/browse                       # bff-tv, browse rails
  curl -s localhost:8083/tv/product-details/1            # bff-tv, large artwork and a rail
  curl -s -H 'X-Api-Key: bffdemo_acme_4f9c2e7a1b' 'localhost:8084/partner/v1/products?size=5'   # bff-partner, demo API key
  (cd deploy/demo-certs && curl -s --cacert demo-ca.pem --cert partner-acme.pem --key partner-acme-key.pem https://localhost:8444/partner/v1/products/1)   # mTLS
  curl -s localhost:9081/admin/upstreams                 # admin listener: instances and circuits
  curl -s -X POST localhost:7110/token -d '{"sub":"u7","aud":"bff-web"}'   # a token for /api/me, /api/orders
MSG
