#!/usr/bin/env bash
# Pass-through benchmark: bff-web against nginx, both proxying GET /api/products/<id> to the demo
# catalog (the /api prefix stripped, upstream keep-alive), measured with wrk in interleaved rounds.
#
#   deploy/bench/passthrough.sh                 # 1-core mode (default)
#   MODE=2core deploy/bench/passthrough.sh      # both proxies with 2 workers, nothing pinned
#
# Settings (environment variables, defaults in brackets):
#   MODE [1core]        1core: the proxy under test on CPU 1 with WORKERS=1, wrk and catalog on CPU 0
#                       2core: WORKERS=2 and nothing pinned
#   WORKERS             nginx worker_processes = bff-web server.instances (1 in 1core, 2 in 2core)
#   THREADS [2] CONNECTIONS [64] DURATION [15s]   wrk settings, identical for both proxies
#   ROUNDS [3]          measured rounds per proxy, interleaved nginx, bff, nginx, bff, ...
#   WARMUP [20s]        load on bff-web before measuring (JIT); nginx gets WARMUP_NGINX [5s]
#   URL_PATH [/api/products/7]
#   BFF_JAR [bff-web/target/bff-web.jar]
#   BFF_JAVA_OPTS [-Xms256m -Xmx256m -XX:+UseParallelGC ...]   JVM flags of bff-web
#   JFR [unset]         a file name: bff-web records a JFR profile of its first measured round there
#   PROXIES ["nginx bff"]   which proxies to measure (e.g. "bff" alone when comparing builds)
#   BFF_JAR_B, BFF_JAVA_OPTS_B   A/B mode: a second bff-web (another build or other JVM flags) on the
#                       same core, measured as "bffB" in the same interleaved rounds
#   NGINX_HEADERS [0]   1: nginx also sets X-Forwarded-For/-Proto/-Host, Via and X-Request-Id,
#                       i.e. the same header work bff-web does on every request
#   JWT [0]             1: the JWT scenario: bff-web also serves the route behind RS256 JWT
#                       authentication (/jwt/products/<id>, a static PEM key, a token minted with
#                       openssl), measured as "bffJwt" against the same route without auth ("bff");
#                       PROXIES then defaults to "bff bffJwt"
#   JWT_CACHE_SIZE [10000]  auth.jwt.cache-size; 0 verifies the signature on every request
# Results: a table on stdout and deploy/bench/results/passthrough-<timestamp>.txt
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

root="$(cd "$(dirname "$0")/../.." && pwd)"
MODE=${MODE:-1core}
case "$MODE" in
  1core) WORKERS=${WORKERS:-1}; PIN_PROXY="taskset -c 1"; PIN_LOAD="taskset -c 0" ;;
  2core) WORKERS=${WORKERS:-2}; PIN_PROXY=""; PIN_LOAD="" ;;
  *) echo "MODE must be 1core or 2core" >&2; exit 2 ;;
esac
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-15s}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-20s}
WARMUP_NGINX=${WARMUP_NGINX:-5s}
URL_PATH=${URL_PATH:-/api/products/7}
BFF_JAVA_OPTS=${BFF_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC -XX:+AlwaysPreTouch}
NGINX_HEADERS=${NGINX_HEADERS:-0}
JFR=${JFR:-}
BFF_JAR_B=${BFF_JAR_B:-}
BFF_JAVA_OPTS_B=${BFF_JAVA_OPTS_B:-$BFF_JAVA_OPTS}
JWT=${JWT:-0}
JWT_CACHE_SIZE=${JWT_CACHE_SIZE:-10000}
if [ "$JWT" = 1 ]; then PROXIES=${PROXIES:-bff bffJwt}; else PROXIES=${PROXIES:-nginx bff}; fi

# ---- tools and jars -------------------------------------------------------------------------
ensure_wrk_nginx
CATALOG_JAR="$root/deploy/demo-services/target/demo-services.jar"
BFF_JAR=${BFF_JAR:-"$root/bff-web/target/bff-web.jar"}
ensure_jars "$CATALOG_JAR" "$BFF_JAR"

# ---- processes, cleaned up on any exit -------------------------------------------------------
tmp=$(mktemp -d /tmp/bench-passthrough.XXXXXX)
pids=()
trap stop_processes EXIT
trap 'exit 130' INT TERM


CATALOG_PORT=$(free_port)
BFF_PORT=$(free_port)
BFF_ADMIN=$(free_port)
NGINX_PORT=$(free_port)

# shellcheck disable=SC2086
$PIN_LOAD java -Xms128m -Xmx256m -jar "$CATALOG_JAR" --only catalog --port-offset $((CATALOG_PORT - 7101)) \
  --host 127.0.0.1 >"$tmp/catalog.log" 2>&1 &
pids+=($!)

auth_yaml=""
jwt_route=""
if [ "$JWT" = 1 ]; then # an RS256 key pair and a token valid for a day, made with openssl
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/jwt-key.pem" 2>/dev/null
  openssl pkey -in "$tmp/jwt-key.pem" -pubout -out "$tmp/jwt-pub.pem"
  b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
  now=$(date +%s)
  jwt_head=$(printf '{"alg":"RS256","typ":"JWT","kid":"bench"}' | b64url)
  jwt_body=$(printf '{"iss":"https://bench.test","aud":"bff-bench","sub":"u7","roles":["customer"],"iat":%d,"exp":%d}' \
    "$now" $((now + 86400)) | b64url)
  jwt_sig=$(printf '%s.%s' "$jwt_head" "$jwt_body" | openssl dgst -sha256 -sign "$tmp/jwt-key.pem" -binary | b64url)
  JWT_TOKEN="$jwt_head.$jwt_body.$jwt_sig"
  auth_yaml="auth:
  default: public
  jwt:
    cache-size: $JWT_CACHE_SIZE
    claims-to-headers: { sub: X-User-Id }
    issuers:
      - issuer: https://bench.test
        audiences: [bff-bench]
        keys:
          - alg: RS256
            pem: |
$(sed 's/^/              /' "$tmp/jwt-pub.pem")"
  jwt_route="  - { id: products-jwt, path: \"/jwt/products/**\", upstream: catalog, rewrite: \"/products/{**}\", auth: jwt }"
fi

start_bff() { # name jar port admin-port java-opts -> pid in $started
  cat >"$tmp/$1.yaml" <<YAML
server: { port: $3, admin-port: $4, host: 127.0.0.1, admin-host: 127.0.0.1, instances: $WORKERS, access-log: false }
upstreams:
  catalog:   { instances: ["http://127.0.0.1:$CATALOG_PORT"], pool: 64 }
  # bff-web's composed endpoints call these (checked at start-up); the pass-through route never does
  inventory:       { instances: ["http://127.0.0.1:$CATALOG_PORT"] }
  reviews:         { instances: ["http://127.0.0.1:$CATALOG_PORT"] }
  recommendations: { instances: ["http://127.0.0.1:$CATALOG_PORT"] }
  shipping:        { instances: ["http://127.0.0.1:$CATALOG_PORT"] }
  inventory-grpc:  { instances: ["http://127.0.0.1:$CATALOG_PORT"] }
$auth_yaml
routes:
  - { id: products, path: "/api/products/**", upstream: catalog, strip-prefix: /api }
$jwt_route
YAML
  # shellcheck disable=SC2086
  $PIN_PROXY java $5 -jar "$2" --config "$tmp/$1.yaml" >"$tmp/$1.log" 2>&1 &
  started=$!
  pids+=("$started")
}
jfr_opts=""
if [ -n "$JFR" ]; then jfr_opts="-XX:FlightRecorderOptions:stackdepth=256"; fi
start_bff bff-web "$BFF_JAR" "$BFF_PORT" "$BFF_ADMIN" "$BFF_JAVA_OPTS $jfr_opts"
BFF_PID=$started
if [ -n "$BFF_JAR_B" ]; then # a second build (or JVM flags) to compare, measured interleaved with the first
  BFFB_PORT=$(free_port)
  BFFB_ADMIN=$(free_port)
  start_bff bff-b "$BFF_JAR_B" "$BFFB_PORT" "$BFFB_ADMIN" "$BFF_JAVA_OPTS_B"
  BFFB_PID=$started
  PROXIES="$PROXIES bffB"
fi

mkdir -p "$tmp/nginx/logs" "$tmp/nginx/tmp"
extra=""
if [ "$NGINX_HEADERS" = 1 ]; then
  extra='proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header Via "1.1 bff";
      proxy_set_header X-Request-Id $request_id;
      add_header X-Request-Id $request_id;
      add_header Via "1.1 bff";'
fi
{
  nginx_preamble "$tmp/nginx" "$WORKERS"
  cat <<CONF
  upstream catalog {
    server 127.0.0.1:$CATALOG_PORT;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /api/products/ {
      proxy_pass http://catalog/products/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      $extra
    }
  }
}
CONF
} >"$tmp/nginx/nginx.conf"
# shellcheck disable=SC2086
$PIN_PROXY "$NGINX" -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" >"$tmp/nginx.log" 2>&1 &
NGINX_PID=$!
pids+=("$NGINX_PID")

wait_http "http://127.0.0.1:$CATALOG_PORT/health" catalog
wait_http "http://127.0.0.1:$BFF_ADMIN/health/ready" bff-web
wait_http "http://127.0.0.1:$NGINX_PORT$URL_PATH" nginx
wait_http "http://127.0.0.1:$BFF_PORT$URL_PATH" bff-web
if [ -n "$BFF_JAR_B" ]; then
  wait_http "http://127.0.0.1:$BFFB_PORT$URL_PATH" bff-b
  BFFB_URL="http://127.0.0.1:$BFFB_PORT$URL_PATH"
fi
BFF_URL="http://127.0.0.1:$BFF_PORT$URL_PATH"
NGINX_URL="http://127.0.0.1:$NGINX_PORT$URL_PATH"
if [ "$JWT" = 1 ]; then
  BFF_JWT_URL="http://127.0.0.1:$BFF_PORT${URL_PATH/\/api\//\/jwt\/}"
  JWT_HEADER="Authorization: Bearer $JWT_TOKEN"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$JWT_HEADER" "$BFF_JWT_URL")
  nocode=$(curl -s -o /dev/null -w '%{http_code}' "$BFF_JWT_URL")
  if [ "$code" != 200 ] || [ "$nocode" != 401 ]; then
    echo "the JWT route answered $code with the token and $nocode without (expected 200 and 401)" >&2
    exit 1
  fi
fi

# ---- measuring -------------------------------------------------------------------------------
wrk_run() { # url duration outfile [header]
  local h=()
  if [ -n "${4:-}" ]; then h=(-H "$4"); fi
  # shellcheck disable=SC2086
  $PIN_LOAD wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency "${h[@]}" "$1" >"$3" 2>&1
}
measure() { # name pid url round [header] -> one result line
  local name=$1 pid=$2 url=$3 round=$4 out="$tmp/wrk-$1-$4.txt" before after rps p50 p99 errors reqs
  before=$(cpu_ticks "$pid")
  wrk_run "$url" "$DURATION" "$out" "${5:-}"
  after=$(cpu_ticks "$pid")
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  reqs=$(awk '/requests in/ {print $1}' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$out")
  # CPU microseconds the proxy spent per request
  local cpu_us
  cpu_us=$(awk -v t=$((after - before)) -v hz="$HZ" -v r="$reqs" 'BEGIN {printf "%.1f", (r > 0 ? t * 1e6 / hz / r : 0)}')
  printf '%-6s %5s %12s %9s %9s %10s %7s\n' "$name" "$round" "$rps" "$p50" "$p99" "$cpu_us" "$errors"
}

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$root/deploy/bench/results"
result="$root/deploy/bench/results/passthrough-$stamp.txt"
{
  echo "pass-through benchmark $stamp on $(hostname) ($(nproc) cores, $(uname -r))"
  echo "mode=$MODE workers=$WORKERS wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, rounds=$ROUNDS, warm-up bff $WARMUP nginx $WARMUP_NGINX"
  echo "path=$URL_PATH nginx-headers=$NGINX_HEADERS bff-java-opts=$BFF_JAVA_OPTS jwt=$JWT jwt-cache-size=$JWT_CACHE_SIZE"
  if [ -n "$BFF_JAR_B" ]; then echo "bffB: $BFF_JAR_B java-opts=$BFF_JAVA_OPTS_B"; fi
  echo "nginx $($NGINX -v 2>&1 | sed 's/.*nginx\///'), $(java -version 2>&1 | head -1)"
  echo "load before warm-up: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$result"

echo "warming up nginx ($WARMUP_NGINX) and bff-web ($WARMUP)..." >&2
wrk_run "$NGINX_URL" "$WARMUP_NGINX" "$tmp/warm-nginx.txt"
wrk_run "$BFF_URL" "$WARMUP" "$tmp/warm-bff.txt"
if [ "$JWT" = 1 ]; then wrk_run "$BFF_JWT_URL" "$WARMUP" "$tmp/warm-bffJwt.txt" "$JWT_HEADER"; fi
if [ -n "$BFF_JAR_B" ]; then wrk_run "$BFFB_URL" "$WARMUP" "$tmp/warm-bffB.txt"; fi
echo "load after warm-up: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"

if [ -n "$JFR" ]; then
  jcmd "$BFF_PID" JFR.start name=bench settings=profile filename="$JFR" >/dev/null
fi
printf '%-6s %5s %12s %9s %9s %10s %7s\n' proxy round "req/s" "p50 ms" "p99 ms" "cpu us/req" errors | tee -a "$result"
: >"$tmp/lines"
for r in $(seq 1 "$ROUNDS"); do
  for p in $PROXIES; do
    case $p in
      nginx) measure nginx "$NGINX_PID" "$NGINX_URL" "$r" | tee -a "$result" "$tmp/lines" ;;
      bff) measure bff "$BFF_PID" "$BFF_URL" "$r" | tee -a "$result" "$tmp/lines" ;;
      bffB) measure bffB "$BFFB_PID" "$BFFB_URL" "$r" | tee -a "$result" "$tmp/lines" ;;
      bffJwt) measure bffJwt "$BFF_PID" "$BFF_JWT_URL" "$r" "$JWT_HEADER" | tee -a "$result" "$tmp/lines" ;;
    esac
  done
  if [ -n "$JFR" ] && [ "$r" = 1 ]; then
    jcmd "$BFF_PID" JFR.stop name=bench >/dev/null
    echo "JFR profile of bff-web's first round: $JFR" >&2
  fi
done

col() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$tmp/lines" | median; }
if [ "$PROXIES" != "nginx bff" ]; then # a subset, or A/B mode: medians per proxy
  for p in $PROXIES; do
    printf 'median %s: %s req/s, p50 %s ms, p99 %s ms, cpu %s us/req\n' "$p" "$(col "$p" 3)" "$(col "$p" 4)" \
      "$(col "$p" 5)" "$(col "$p" 6)" | tee -a "$result"
  done
  if [ "$JWT" = 1 ]; then
    awk -v a="$(col bffJwt 3)" -v b="$(col bff 3)" -v c="$(col bffJwt 6)" -v d="$(col bff 6)" 'BEGIN {
      printf "ratio with JWT / without: req/s %.2fx (target >= 0.85x), cpu/req %.2fx\n", a / b, c / d }' \
      | tee -a "$result"
  fi
  exit 0
fi
n_rps=$(col nginx 3); b_rps=$(col bff 3)
n_p50=$(col nginx 4); b_p50=$(col bff 4)
n_p99=$(col nginx 5); b_p99=$(col bff 5)
n_cpu=$(col nginx 6); b_cpu=$(col bff 6)
{
  echo "medians:"
  printf '  nginx   %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %6.1f us/req\n' "$n_rps" "$n_p50" "$n_p99" "$n_cpu"
  printf '  bff-web %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %6.1f us/req\n' "$b_rps" "$b_p50" "$b_p99" "$b_cpu"
  awk -v a="$b_rps" -v b="$n_rps" -v c="$b_p99" -v d="$n_p99" -v e="$b_cpu" -v f="$n_cpu" 'BEGIN {
    printf "ratio bff/nginx: req/s %.2fx (target >= 1.0x), p99 %.2fx (target <= 1.2x), cpu/req %.2fx\n",
      a / b, c / d, e / f }'
  echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "results: $result"
} | tee -a "$result"
