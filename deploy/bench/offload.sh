#!/usr/bin/env bash
# Offload benchmark: what a rate limit that never refuses costs on bff-web's pass-through route,
# with the in-memory store and with the Redis store, and what a cache hit saves, against the same
# route without either, all for GET /products/<id> of the demo catalog, measured with wrk in
# interleaved rounds.
#
#   deploy/bench/offload.sh                     # 1-core mode, ~4.5 minutes
#   ROUNDS=1 DURATION=5s WARMUP=10s deploy/bench/offload.sh   # a quick look (noisy)
#
# Two bff-web processes on the same core, one after the other under load:
#   bffMem   store: memory; /api/products/** without a limit ("none") and /rl/products/** under
#            { key: ip, rate: 1000000/s } (never refuses: every request still costs a decision and the
#            RateLimit headers)
#   bffRedis store: redis (a redis-server this script starts on a free port, no persistence);
#            /rl/products/** under the same policy, so every request is one EVALSHA
#   bffMem   also serves /c/products/** with { cache: { ttl: 1h } }: after the first request every one is a hit
# Rows: none (bffMem's /api), mem (bffMem's /rl), redis (bffRedis's /rl), cached (bffMem's /c).
#
# Settings (environment variables, defaults in brackets):
#   MODE [1core]        1core: the gateways on CPU 1 with 1 event loop; wrk, catalog and redis on CPU 0
#                       2core: 2 event loops, nothing pinned
#   THREADS [2] CONNECTIONS [64] DURATION [15s]   wrk settings, identical for every row
#   ROUNDS [3]          measured rounds per row, interleaved: none, mem, redis; mem, redis, none; ...
#   WARMUP [20s]        load on each route before measuring (JIT)
#   ROWS ["none mem redis cached"]
#   BFF_JAR [bff-web/target/bff-web.jar]  CATALOG_JAR [deploy/demo-services/target/demo-services.jar]
#                       both copied to a temp dir first, so a rebuild of target/ does not disturb a run
#   BFF_JAVA_OPTS [-Xms256m -Xmx256m -XX:+UseParallelGC -XX:+AlwaysPreTouch]
#   MEM_LIMIT [[never]]  the rate-limit of the "mem" route; none makes an A/A run (two identical unlimited
#                       routes) that shows the bench's own noise between routes
#   RL_HEADERS [ietf]   rate-limits.headers of both gateways (none: what the decision costs without the headers)
#   REDIS_SERVER [redis-server on PATH]   REDIS_POOL [64]   bffRedis' redis.pool: each decision holds a
#                       pooled connection for its round trip, so size it near wrk's connections
# CPU per request is the gateway's alone; redis-server's own CPU is not in it.
# Results: a table on stdout and deploy/bench/results/ratelimit-<timestamp>.txt
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
ROWS=${ROWS:-none mem redis cached}
REDIS_POOL=${REDIS_POOL:-64}
RL_HEADERS=${RL_HEADERS:-ietf}
MEM_LIMIT=${MEM_LIMIT:-[never]}
BFF_JAVA_OPTS=${BFF_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC -XX:+AlwaysPreTouch}

# ---- tools and jars -------------------------------------------------------------------------
need=()
command -v wrk >/dev/null || need+=(wrk)
REDIS_SERVER=${REDIS_SERVER:-$(command -v redis-server || true)}
[ -n "$REDIS_SERVER" ] || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} with apt-get (needs root)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  REDIS_SERVER=${REDIS_SERVER:-$(command -v redis-server)}
fi
BFF_JAR=${BFF_JAR:-"$root/bff-web/target/bff-web.jar"}
CATALOG_JAR=${CATALOG_JAR:-"$root/deploy/demo-services/target/demo-services.jar"}
ensure_jars "$CATALOG_JAR" "$BFF_JAR"

# ---- processes, cleaned up on any exit -------------------------------------------------------
tmp=$(mktemp -d /tmp/bench-offload.XXXXXX)
pids=()
trap stop_processes EXIT
trap 'exit 130' INT TERM
cp "$BFF_JAR" "$tmp/bff-web.jar"
cp "$CATALOG_JAR" "$tmp/demo-services.jar"

CATALOG_PORT=$(free_port)
REDIS_PORT=$(free_port)
MEM_PORT=$(free_port); MEM_ADMIN=$(free_port)
REDIS_BFF_PORT=$(free_port); REDIS_BFF_ADMIN=$(free_port)

# shellcheck disable=SC2086
$PIN_LOAD java -Xms128m -Xmx256m -jar "$tmp/demo-services.jar" --only catalog \
  --port-offset $((CATALOG_PORT - 7101)) --host 127.0.0.1 >"$tmp/catalog.log" 2>&1 &
pids+=($!)
# shellcheck disable=SC2086
$PIN_LOAD "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --protected-mode yes \
  --loglevel warning >"$tmp/redis.log" 2>&1 &
pids+=($!)

start_bff() { # name port admin-port store -> pid in $started
  local store_yaml="store: memory" redis_yaml=""
  if [ "$4" = redis ]; then
    store_yaml="store: redis"
    redis_yaml="redis: { url: \"redis://127.0.0.1:$REDIS_PORT\", pool: $REDIS_POOL }"
  fi
  cat >"$tmp/$1.yaml" <<YAML
server: { port: $2, admin-port: $3, host: 127.0.0.1, admin-host: 127.0.0.1, instances: $WORKERS, access-log: false }
$redis_yaml
upstreams:
  catalog:   { instances: ["http://127.0.0.1:$CATALOG_PORT"], pool: 64 }
  # bff-web's composed endpoints call these (checked at start-up); the pass-through routes never do
  inventory:       { instances: ["http://127.0.0.1:$CATALOG_PORT"] }
  reviews:         { instances: ["http://127.0.0.1:$CATALOG_PORT"] }
  recommendations: { instances: ["http://127.0.0.1:$CATALOG_PORT"] }
  shipping:        { instances: ["http://127.0.0.1:$CATALOG_PORT"] }
  inventory-grpc:  { instances: ["http://127.0.0.1:$CATALOG_PORT"] }
rate-limits:
  $store_yaml
  headers: $RL_HEADERS
  policies:
    never: { key: ip, rate: 1000000/s }
routes:
  - { id: products, path: "/api/products/**", upstream: catalog, strip-prefix: /api, rate-limit: none }
  - { id: limited, path: "/rl/products/**", upstream: catalog, strip-prefix: /rl, rate-limit: $MEM_LIMIT }
  - { id: cached, path: "/c/products/**", upstream: catalog, strip-prefix: /c, rate-limit: none, cache: { ttl: 1h } }
YAML
  # shellcheck disable=SC2086
  $PIN_PROXY java $BFF_JAVA_OPTS -jar "$tmp/bff-web.jar" --config "$tmp/$1.yaml" >"$tmp/$1.log" 2>&1 &
  started=$!
  pids+=("$started")
}
start_bff bffMem "$MEM_PORT" "$MEM_ADMIN" memory
MEM_PID=$started
start_bff bffRedis "$REDIS_BFF_PORT" "$REDIS_BFF_ADMIN" redis
REDIS_PID=$started

wait_http "http://127.0.0.1:$CATALOG_PORT/health" catalog
wait_http "http://127.0.0.1:$MEM_ADMIN/health/ready" bffMem
wait_http "http://127.0.0.1:$REDIS_BFF_ADMIN/health/ready" bffRedis
NONE_URL="http://127.0.0.1:$MEM_PORT/api/products/7"
MEM_URL="http://127.0.0.1:$MEM_PORT/rl/products/7"
REDIS_URL="http://127.0.0.1:$REDIS_BFF_PORT/rl/products/7"
CACHED_URL="http://127.0.0.1:$MEM_PORT/c/products/7"
for u in "$NONE_URL" "$MEM_URL" "$REDIS_URL" "$CACHED_URL"; do
  wait_http "$u" "$([ "$u" = "$REDIS_URL" ] && echo bffRedis || echo bffMem)"
done
if [ "$RL_HEADERS" != none ] && [ "$MEM_LIMIT" != none ] && ! curl -s -D - -o /dev/null "$REDIS_URL" | grep -qi '^ratelimit:'; then
  echo "the Redis-limited route answered without a RateLimit header" >&2
  exit 1
fi
if ! curl -s -D - -o /dev/null "$CACHED_URL" | grep -qi '^x-cache: hit'; then
  echo "the cached route did not answer from its cache (X-Cache: HIT)" >&2
  exit 1
fi

# ---- measuring -------------------------------------------------------------------------------
wrk_run() { # url duration outfile
  # shellcheck disable=SC2086
  $PIN_LOAD wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency "$1" >"$3" 2>&1
}
measure() { # name pid url round -> one result line
  local name=$1 pid=$2 url=$3 round=$4 out="$tmp/wrk-$1-$4.txt" before after rps p50 p99 errors reqs cpu_us
  before=$(cpu_ticks "$pid")
  wrk_run "$url" "$DURATION" "$out"
  after=$(cpu_ticks "$pid")
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  reqs=$(awk '/requests in/ {print $1}' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$out")
  cpu_us=$(awk -v t=$((after - before)) -v hz="$HZ" -v r="$reqs" 'BEGIN {printf "%.1f", (r > 0 ? t * 1e6 / hz / r : 0)}')
  printf '%-6s %5s %12s %9s %9s %10s %7s\n' "$name" "$round" "$rps" "$p50" "$p99" "$cpu_us" "$errors"
}
url_of() { case $1 in none) echo "$NONE_URL" ;; mem) echo "$MEM_URL" ;; redis) echo "$REDIS_URL" ;; cached) echo "$CACHED_URL" ;; esac; }
pid_of() { case $1 in redis) echo "$REDIS_PID" ;; *) echo "$MEM_PID" ;; esac; }

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$root/deploy/bench/results"
result="$root/deploy/bench/results/offload-$stamp.txt"
{
  echo "offload benchmark $stamp on $(hostname) ($(nproc) cores, $(uname -r))"
  echo "mode=$MODE event-loops=$WORKERS wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, rounds=$ROUNDS, warm-up $WARMUP per row"
  echo "$($REDIS_SERVER --version | cut -d' ' -f1-3) (redis.pool $REDIS_POOL), $(java -version 2>&1 | head -1), bff-java-opts=$BFF_JAVA_OPTS"
  echo "load before warm-up: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$result"
echo "warming up ($WARMUP per row)..." >&2
for row in $ROWS; do wrk_run "$(url_of "$row")" "$WARMUP" "$tmp/warm-$row.txt"; done
echo "load after warm-up: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"

printf '%-6s %5s %12s %9s %9s %10s %7s\n' route round "req/s" "p50 ms" "p99 ms" "cpu us/req" errors | tee -a "$result"
: >"$tmp/lines"
read -r -a rows <<<"$ROWS"
for r in $(seq 1 "$ROUNDS"); do
  for i in $(seq 0 $((${#rows[@]} - 1))); do # each round starts one row later: no row always follows another
    row=${rows[$(((i + r - 1) % ${#rows[@]}))]}
    measure "$row" "$(pid_of "$row")" "$(url_of "$row")" "$r" | tee -a "$result" "$tmp/lines"
  done
done

col() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$tmp/lines" | median; }
{
  echo "medians:"
  for row in $ROWS; do
    printf '  %-6s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %6.1f us/req\n' "$row" "$(col "$row" 3)" \
      "$(col "$row" 4)" "$(col "$row" 5)" "$(col "$row" 6)"
  done
  if [[ " $ROWS " == *" none "* ]]; then
    for row in mem redis cached; do
      [[ " $ROWS " == *" $row "* ]] || continue
      awk -v name="$row" -v a="$(col "$row" 3)" -v b="$(col none 3)" -v c="$(col "$row" 4)" -v d="$(col none 4)" \
        -v e="$(col "$row" 6)" -v f="$(col none 6)" 'BEGIN {
        printf "ratio %s / none: req/s %.2fx%s, p50 +%.3f ms, cpu/req %.2fx\n", name, a / b,
          name == "mem" ? " (target >= 0.95x)" : name == "cached" ? " (target >= 1.5x)" : "", c - d, e / f }'
    done
  fi
  echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "results: $result"
} | tee -a "$result"
