#!/usr/bin/env bash
# REST-to-gRPC benchmark: the same stock data three ways, measured with wrk in interleaved rounds:
#   grpc   bff-web's gRPC route  GET /grpc/stock/<id> -> demo.inventory.v1.Inventory/GetStock (h2c, :7111's service)
#   http   bff-web's HTTP route  GET /http/inventory/<id> -> the HTTP inventory (/inventory/<id>)
#   nginx  nginx proxying        GET /http/inventory/<id> -> the HTTP inventory (reference)
# Both inventories serve the same records; the answers carry the same four fields.
#
#   deploy/bench/grpc.sh
#
# Settings (environment variables, defaults in brackets):
#   MODE [1core]       1core: the gateways on CPU 1 (one worker each), wrk and the services on CPU 0
#                      2core: two workers each, nothing pinned
#   THREADS [2] CONNECTIONS [64] DURATION [15s] ROUNDS [3] WARMUP [20s]
#   PRODUCT [7]        the product id asked for
#   TARGETS ["nginx http grpc"]
#   BFF_JAVA_OPTS [-Xms256m -Xmx256m -XX:+UseParallelGC -XX:+AlwaysPreTouch]
# Results: a table on stdout and deploy/bench/results/grpc-<timestamp>.txt
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

root="$(cd "$(dirname "$0")/../.." && pwd)"
MODE=${MODE:-1core}
case "$MODE" in
  1core) WORKERS=1; PIN_PROXY="taskset -c 1"; PIN_LOAD="taskset -c 0" ;;
  2core) WORKERS=2; PIN_PROXY=""; PIN_LOAD="" ;;
  *) echo "MODE must be 1core or 2core" >&2; exit 2 ;;
esac
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-15s}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-20s}
PRODUCT=${PRODUCT:-7}
TARGETS=${TARGETS:-nginx http grpc}
BFF_JAVA_OPTS=${BFF_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC -XX:+AlwaysPreTouch}

ensure_wrk_nginx
DEMO_JAR="$root/deploy/demo-services/target/demo-services.jar"
BFF_JAR="$root/bff-web/target/bff-web.jar"
ensure_jars "$DEMO_JAR" "$BFF_JAR"

tmp=$(mktemp -d /tmp/bench-grpc.XXXXXX)
pids=()
trap stop_processes EXIT
trap 'exit 130' INT TERM

# the two inventories: HTTP on 7103+offset, gRPC on 7111+offset
OFFSET=$(( $(free_port) - 7111 ))
while [ $((7103 + OFFSET)) -le 1024 ]; do OFFSET=$(( $(free_port) - 7111 )); done
HTTP_INV=$((7103 + OFFSET))
GRPC_INV=$((7111 + OFFSET))
$PIN_LOAD java -Xms128m -Xmx256m -jar "$DEMO_JAR" --only inventory,inventory-grpc --port-offset "$OFFSET" \
  --host 127.0.0.1 >"$tmp/demo.log" 2>&1 &
pids+=($!)

BFF_PORT=$(free_port)
BFF_ADMIN=$(free_port)
cat >"$tmp/bff.yaml" <<YAML
server: { port: $BFF_PORT, admin-port: $BFF_ADMIN, host: 127.0.0.1, admin-host: 127.0.0.1, instances: $WORKERS, access-log: false }
grpc: { descriptor-sets: ["classpath:grpc/demo.pb"] }
upstreams:
  inventory:      { instances: ["http://127.0.0.1:$HTTP_INV"], pool: 64 }
  inventory-grpc: { instances: ["http://127.0.0.1:$GRPC_INV"] }
  # bff-web's Java endpoints name these; not called here
  catalog:         { instances: ["http://127.0.0.1:$HTTP_INV"] }
  reviews:         { instances: ["http://127.0.0.1:$HTTP_INV"] }
  recommendations: { instances: ["http://127.0.0.1:$HTTP_INV"] }
  shipping:        { instances: ["http://127.0.0.1:$HTTP_INV"] }
routes:
  - { id: http, path: "/http/inventory/**", upstream: inventory, strip-prefix: /http, methods: [GET] }
  - { id: grpc, path: "/grpc/stock/:product_id", upstream: inventory-grpc, methods: [GET],
      grpc: { method: demo.inventory.v1.Inventory/GetStock } }
YAML
# shellcheck disable=SC2086
$PIN_PROXY java $BFF_JAVA_OPTS -jar "$BFF_JAR" --config "$tmp/bff.yaml" >"$tmp/bff.log" 2>&1 &
BFF_PID=$!
pids+=("$BFF_PID")

NGINX_PORT=$(free_port)
mkdir -p "$tmp/nginx/logs" "$tmp/nginx/tmp"
{
  nginx_preamble "$tmp/nginx" "$WORKERS"
  cat <<CONF
  upstream inventory { server 127.0.0.1:$HTTP_INV; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /http/inventory/ {
      proxy_pass http://inventory/inventory/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
} >"$tmp/nginx/nginx.conf"
$PIN_PROXY "$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx.log" 2>&1 &
NGINX_PID=$!
pids+=("$NGINX_PID")

wait_http "http://127.0.0.1:$HTTP_INV/health" demo
wait_http "http://127.0.0.1:$BFF_ADMIN/health/ready" bff
wait_http "http://127.0.0.1:$NGINX_PORT/http/inventory/$PRODUCT" nginx

url_of() { case $1 in
  grpc) echo "http://127.0.0.1:$BFF_PORT/grpc/stock/$PRODUCT" ;;
  http) echo "http://127.0.0.1:$BFF_PORT/http/inventory/$PRODUCT" ;;
  nginx) echo "http://127.0.0.1:$NGINX_PORT/http/inventory/$PRODUCT" ;;
esac; }
pid_of() { case $1 in nginx) echo "$NGINX_PID" ;; *) echo "$BFF_PID" ;; esac; }

# the same data: the gRPC answer (proto3 JSON) and the HTTP one hold the same fields and values
g=$(curl -fsS "$(url_of grpc)"); h=$(curl -fsS "$(url_of http)")
norm() { python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1]), sort_keys=True))' "$1"; }
if [ "$(norm "$g")" != "$(norm "$h")" ]; then
  echo "the gRPC route answered $g but the HTTP one $h" >&2
  exit 1
fi

wrk_run() { $PIN_LOAD wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency "$1" >"$3" 2>&1; }
measure() { # name round -> one result line
  local name=$1 round=$2 out="$tmp/wrk-$1-$2.txt" pid before after rps p50 p99 errors reqs cpu_us
  pid=$(pid_of "$name")
  before=$(cpu_ticks "$pid")
  wrk_run "$(url_of "$name")" "$DURATION" "$out"
  after=$(cpu_ticks "$pid")
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  reqs=$(awk '/requests in/ {print $1}' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$out")
  cpu_us=$(awk -v t=$((after - before)) -v hz="$HZ" -v r="$reqs" 'BEGIN {printf "%.1f", (r > 0 ? t * 1e6 / hz / r : 0)}')
  printf '%-6s %5s %12s %9s %9s %10s %7s\n' "$name" "$round" "$rps" "$p50" "$p99" "$cpu_us" "$errors"
}

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$root/deploy/bench/results"
result="$root/deploy/bench/results/grpc-$stamp.txt"
{
  echo "REST-to-gRPC benchmark $stamp on $(hostname) ($(nproc) cores, $(uname -r))"
  echo "mode=$MODE workers=$WORKERS wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, rounds=$ROUNDS, warm-up $WARMUP"
  echo "product=$PRODUCT answer=$(norm "$g")"
  echo "nginx $($NGINX -v 2>&1 | sed 's/.*nginx\///'), $(java -version 2>&1 | head -1), bff-java-opts=$BFF_JAVA_OPTS"
} | tee "$result"

echo "warming up ($WARMUP per target)..." >&2
for t in $TARGETS; do wrk_run "$(url_of "$t")" "$WARMUP" "$tmp/warm-$t.txt"; done
echo "load after warm-up: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
printf '%-6s %5s %12s %9s %9s %10s %7s\n' target round "req/s" "p50 ms" "p99 ms" "cpu us/req" errors | tee -a "$result"
: >"$tmp/lines"
for r in $(seq 1 "$ROUNDS"); do
  for t in $TARGETS; do measure "$t" "$r" | tee -a "$result" "$tmp/lines"; done
done

col() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$tmp/lines" | median; }
{
  echo "medians:"
  for t in $TARGETS; do
    printf '  %-6s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %6.1f us/req\n' "$t" "$(col "$t" 3)" \
      "$(col "$t" 4)" "$(col "$t" 5)" "$(col "$t" 6)"
  done
  if [[ " $TARGETS " == *" grpc "* && " $TARGETS " == *" http "* ]]; then
    awk -v a="$(col grpc 3)" -v b="$(col http 3)" -v c="$(col grpc 5)" -v d="$(col http 5)" \
      -v e="$(col grpc 6)" -v f="$(col http 6)" 'BEGIN {
      printf "ratio grpc/http (same gateway, same data): req/s %.2fx, p99 %.2fx, cpu/req %.2fx\n", a / b, c / d, e / f }'
  fi
  if [[ " $TARGETS " == *" grpc "* && " $TARGETS " == *" nginx "* ]]; then
    awk -v a="$(col grpc 3)" -v b="$(col nginx 3)" 'BEGIN { printf "ratio grpc/nginx-http: req/s %.2fx\n", a / b }'
  fi
  echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "results: $result"
} | tee -a "$result"
