#!/usr/bin/env bash
# Aggregation benchmark: bff-web's composed endpoints against the same composition written the
# textbook way in Node/Express (deploy/bench/express/app.js, Promise.all), both calling the demo
# services, measured with wrk in interleaved rounds; then the latency each adds on top of its
# slowest part when every part takes 20 ms.
#
#   deploy/bench/aggregate.sh                         # both scenarios, ~6.5 minutes
#   SCENARIOS=3part deploy/bench/aggregate.sh         # only /api/product-summary/:id
#   EXPRESS_WORKERS=2 deploy/bench/aggregate.sh       # also Express under node:cluster with 2 workers
#
# Settings (environment variables, defaults in brackets):
#   SCENARIOS ["3part details"]   3part: GET /api/product-summary/:id (catalog, inventory, reviews
#                       summary); details: GET /api/product-details/:id (6 parts, then catalog for each
#                       of the 8 recommended products); NAME=/path/prefix/ adds another, e.g.
#                       SCENARIOS="3part x=/api/other/" (the id 1..120 is appended to the prefix)
#   GATEWAYS ["bff express"]   what to measure (bff alone, or express alone, for a quick look)
#   EXPRESS_CLIENTS ["fetch agent"]   one Express process per HTTP client: fetch = Node's global
#                       fetch (textbook), agent = http.request with a keep-alive http.Agent (tuned)
#   EXPRESS_WORKERS [1] >1: also Express under node:cluster with that many workers, as extra rows
#   MODE [shared]       shared: nothing pinned, everything shares all cores
#                       pinned: the gateway under test on CPU 1, wrk and the demo services on CPU 0
#   THREADS [2] CONNECTIONS [64] DURATION [15s]   wrk settings, identical for every gateway
#   WRK_TIMEOUT [2s]    wrk's --timeout: a slower answer counts as a (timeout) error, not as latency
#   ID_ORDER [walk]     walk: each wrk thread requests ids 1..120 in turn, the threads spread evenly
#                       over them; random: a random id per request (more identical requests in flight
#                       at once, which bff-web's in-flight de-duplication of upstream GETs then shares)
#   ROUNDS [3]          measured rounds per gateway and scenario, interleaved bff, express-fetch, ...
#   WARMUP [20s]        load on bff-web per scenario before measuring (JIT); Express gets WARMUP_NODE [5s]
#   OVERHEAD [1]        0 skips the "overhead at 20 ms" measurement
#   LATENCY_MS [20]     latency injected into every part's service for it
#   OVERHEAD_SERVICES ["catalog inventory reviews"]   the services that get LATENCY_MS
#   OVERHEAD_PATH [/api/product-summary/7]   the endpoint measured on each gateway
#   OVERHEAD_DIRECT [catalog/products/7]     the direct call it is compared with (service/path)
#   OVERHEAD_THREADS [1] OVERHEAD_CONNECTIONS [4] OVERHEAD_DURATION [10s] OVERHEAD_ROUNDS [1]
#   BFF_JAR [bff-web/target/bff-web.jar]  DEMO_JAR [deploy/demo-services/target/demo-services.jar]
#                       both copied to a temp dir first, so a rebuild of target/ does not disturb a run
#   BFF_JAVA_OPTS [-Xms256m -Xmx256m -XX:+UseParallelGC -XX:+AlwaysPreTouch]   JVM flags of bff-web
#   DEMO_JAVA_OPTS [-Xms256m -Xmx512m -XX:+UseParallelGC]                     JVM flags of the demo services
#   BFF_CONFIG [unset]  a YAML file instead of bff-web's built-in config (which is used with
#                       CATALOG_URL ... BFF_WEB_PORT set to the ports picked here, access log off)
#   NODE_ARGS [unset]   extra node flags for Express, e.g. "--max-semi-space-size=64"
#   UPSTREAM_TIMEOUT_MS [0]   passed to Express: 0 = no timeout on its upstream calls (textbook)
# Results: a table on stdout and deploy/bench/results/aggregate-<timestamp>.txt
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

root="$(cd "$(dirname "$0")/../.." && pwd)"
bench="$root/deploy/bench"
MODE=${MODE:-shared}
case "$MODE" in
  shared) PIN_GW=""; PIN_LOAD="" ;;
  pinned) PIN_GW="taskset -c 1"; PIN_LOAD="taskset -c 0" ;;
  *) echo "MODE must be shared or pinned" >&2; exit 2 ;;
esac
SCENARIOS=${SCENARIOS:-3part details}
GATEWAYS=${GATEWAYS:-bff express}
EXPRESS_CLIENTS=${EXPRESS_CLIENTS:-fetch agent}
EXPRESS_WORKERS=${EXPRESS_WORKERS:-1}
THREADS=${THREADS:-2}
WRK_TIMEOUT=${WRK_TIMEOUT:-2s}
ID_ORDER=${ID_ORDER:-walk}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-15s}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-20s}
WARMUP_NODE=${WARMUP_NODE:-5s}
OVERHEAD=${OVERHEAD:-1}
LATENCY_MS=${LATENCY_MS:-20}
OVERHEAD_SERVICES=${OVERHEAD_SERVICES:-catalog inventory reviews}
OVERHEAD_PATH=${OVERHEAD_PATH:-/api/product-summary/7}
OVERHEAD_DIRECT=${OVERHEAD_DIRECT:-catalog/products/7}
OVERHEAD_THREADS=${OVERHEAD_THREADS:-1}
OVERHEAD_CONNECTIONS=${OVERHEAD_CONNECTIONS:-4}
OVERHEAD_DURATION=${OVERHEAD_DURATION:-10s}
OVERHEAD_ROUNDS=${OVERHEAD_ROUNDS:-1}
BFF_JAVA_OPTS=${BFF_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC -XX:+AlwaysPreTouch}
DEMO_JAVA_OPTS=${DEMO_JAVA_OPTS:--Xms256m -Xmx512m -XX:+UseParallelGC}
NODE_ARGS=${NODE_ARGS:-}
UPSTREAM_TIMEOUT_MS=${UPSTREAM_TIMEOUT_MS:-0}
PRODUCTS=120 # the demo catalog's ids are 1..120
for c in $EXPRESS_CLIENTS; do
  case $c in fetch | agent) ;; *) echo "EXPRESS_CLIENTS: '$c' is neither fetch nor agent" >&2; exit 2 ;; esac
done
SERVICES="catalog reviews inventory inventory-grpc recommendations shipping"  # bff-web's stock part is gRPC

# ---- tools, jars, the Express app ------------------------------------------------------------
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v node >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} with apt-get (needs root)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
DEMO_JAR=${DEMO_JAR:-"$root/deploy/demo-services/target/demo-services.jar"}
BFF_JAR=${BFF_JAR:-"$root/bff-web/target/bff-web.jar"}
if [ ! -f "$DEMO_JAR" ] || [ ! -f "$BFF_JAR" ]; then
  echo "building the jars (mvn -o -q -B -DskipTests package)..." >&2
  (cd "$root" && mvn -o -q -B -DskipTests package)
fi
if [[ " $GATEWAYS " == *" express "* ]] && [ ! -f "$bench/node_modules/express/package.json" ]; then
  # deploy/bench/package.json pins express; node_modules/ lands in deploy/bench/ (git-ignored)
  echo "installing express into deploy/bench/node_modules (npm)..." >&2
  if [ -f "$bench/package-lock.json" ]; then
    (cd "$bench" && npm ci --no-audit --no-fund --loglevel=error)
  else
    (cd "$bench" && npm install --no-audit --no-fund --loglevel=error)
  fi
fi

# ---- processes, cleaned up on any exit -------------------------------------------------------
tmp=$(mktemp -d /tmp/bench-aggregate.XXXXXX)
pids=()
faulted=""
clear_faults() {
  local s
  for s in $faulted; do
    curl -fsS -m 2 -o /dev/null -X DELETE "http://127.0.0.1:$(port_of "$s")/_admin/faults" 2>/dev/null || true
  done
  faulted=""
}
cleanup() {
  clear_faults
  stop_processes
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$DEMO_JAR" "$tmp/demo-services.jar"
cp "$BFF_JAR" "$tmp/bff-web.jar"

free_offset() { # N such that 7101+N .. 7109+N are all free (never 0: a demo stack on 7101.. is left alone)
  python3 - <<'PY'
import random, socket
for _ in range(200):
    n = random.randrange(10000, 50000)
    socks = []
    try:
        for port in range(7101 + n, 7110 + n):
            s = socket.socket(); socks.append(s); s.bind(("127.0.0.1", port))
        print(n); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
else:
    raise SystemExit("no free block of 9 ports found")
PY
}

OFFSET=$(free_offset)
port_of() { # service -> its port
  case $1 in
    catalog) echo $((7101 + OFFSET)) ;; reviews) echo $((7102 + OFFSET)) ;; inventory) echo $((7103 + OFFSET)) ;;
    recommendations) echo $((7104 + OFFSET)) ;; users) echo $((7105 + OFFSET)) ;; orders) echo $((7106 + OFFSET)) ;;
    cart) echo $((7107 + OFFSET)) ;; echo) echo $((7108 + OFFSET)) ;; shipping) echo $((7109 + OFFSET)) ;;
    inventory-grpc) echo $((7111 + OFFSET)) ;;
    *) echo "unknown service $1" >&2; exit 2 ;;
  esac
}
url_of() { echo "http://127.0.0.1:$(port_of "$1")"; }

# shellcheck disable=SC2086
$PIN_LOAD java $DEMO_JAVA_OPTS -jar "$tmp/demo-services.jar" --only "${SERVICES// /,}" --port-offset "$OFFSET" \
  --host 127.0.0.1 >"$tmp/demo.log" 2>&1 &
pids+=($!)

# gateways: names in order of measurement, with port, pid and a description each
gw_names=()
declare -A gw_port gw_pid gw_desc
if [[ " $GATEWAYS " == *" bff "* ]]; then
  BFF_PORT=$(free_port)
  BFF_ADMIN=$(free_port)
  # shellcheck disable=SC2086
  env CATALOG_URL="$(url_of catalog)" REVIEWS_URL="$(url_of reviews)" INVENTORY_URL="$(url_of inventory)" INVENTORY_GRPC_URL="$(url_of inventory-grpc)" \
    RECOMMENDATIONS_URL="$(url_of recommendations)" SHIPPING_URL="$(url_of shipping)" USERS_URL="$(url_of users)" \
    ORDERS_URL="$(url_of orders)" CART_URL="$(url_of cart)" ECHO_URL="$(url_of echo)" \
    BFF_WEB_PORT="$BFF_PORT" BFF_WEB_ADMIN_PORT="$BFF_ADMIN" BFF_HOST=127.0.0.1 BFF_ACCESS_LOG=false \
    BFF_VISITOR_RATE=${BFF_VISITOR_RATE:-1000000/s} BFF_VISITOR_BURST=${BFF_VISITOR_BURST:-1000000} \
    $PIN_GW java $BFF_JAVA_OPTS -jar "$tmp/bff-web.jar" ${BFF_CONFIG:+--config "$BFF_CONFIG"} >"$tmp/bff.log" 2>&1 &
  gw_names+=(bff)
  gw_pid[bff]=$!
  gw_port[bff]=$BFF_PORT
  pids+=($!)
fi
start_express() { # name client workers
  local port
  port=$(free_port)
  # shellcheck disable=SC2086
  (cd "$bench" && exec env NODE_ENV=production PORT="$port" HOST=127.0.0.1 CLIENT="$2" WORKERS="$3" \
    UPSTREAM_TIMEOUT_MS="$UPSTREAM_TIMEOUT_MS" CATALOG_URL="$(url_of catalog)" REVIEWS_URL="$(url_of reviews)" \
    INVENTORY_URL="$(url_of inventory)" RECOMMENDATIONS_URL="$(url_of recommendations)" \
    SHIPPING_URL="$(url_of shipping)" $PIN_GW node $NODE_ARGS express/app.js) >"$tmp/$1.log" 2>&1 &
  gw_names+=("$1")
  gw_pid[$1]=$!
  gw_port[$1]=$port
  pids+=($!)
  if [ "$3" -gt 1 ]; then
    gw_desc[$1]="Express, client=$2, node:cluster with $3 worker processes"
  else
    gw_desc[$1]="Express, client=$2, one Node process (single-threaded event loop, the textbook deployment)"
  fi
}
if [[ " $GATEWAYS " == *" express "* ]]; then
  for c in $EXPRESS_CLIENTS; do
    start_express "express-$c" "$c" 1
  done
  if [ "$EXPRESS_WORKERS" -gt 1 ]; then
    for c in $EXPRESS_CLIENTS; do
      start_express "express-$c-${EXPRESS_WORKERS}w" "$c" "$EXPRESS_WORKERS"
    done
  fi
fi
if [ ${#gw_names[@]} -eq 0 ]; then echo "GATEWAYS names neither bff nor express" >&2; exit 2; fi

for s in $SERVICES; do wait_http "$(url_of "$s")/health" demo; done
for g in "${gw_names[@]}"; do
  if [ "$g" = bff ]; then
    wait_http "http://127.0.0.1:$BFF_ADMIN/health/ready" bff
    loops=$(sed -n 's/.*, \([0-9]*\) event loops.*/\1/p' "$tmp/bff.log" | head -1)
    gw_desc[bff]="bff-web, ${loops:-?} event loops (server.instances; default = the cores the JVM sees)"
  else
    wait_http "http://127.0.0.1:${gw_port[$g]}/health" "$g"
  fi
done

# ---- scenarios -------------------------------------------------------------------------------
scen_names=()
declare -A scen_prefix
for s in $SCENARIOS; do
  case $s in
    3part) scen_names+=(3part); scen_prefix[3part]=/api/product-summary/ ;;
    details) scen_names+=(details); scen_prefix[details]=/api/product-details/ ;;
    *=/*) scen_names+=("${s%%=*}"); scen_prefix[${s%%=*}]="${s#*=}" ;;
    *) echo "unknown scenario '$s' (3part, details or NAME=/path/prefix/)" >&2; exit 2 ;;
  esac
done

# The load is spread over the 120 product ids rather than one hot URL: each wrk thread walks them
# from its own starting point (ID_ORDER=walk) or picks one at random per request (ID_ORDER=random).
# The requests are formatted once, in init().
case $ID_ORDER in
  walk) next_id='n = n % products + 1' ;;
  random) next_id='n = math.random(products)' ;;
  *) echo "ID_ORDER must be walk or random" >&2; exit 2 ;;
esac
cat >"$tmp/ids.lua" <<LUA
local products, threads = $PRODUCTS, 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  reqs = {}
  for i = 1, products do reqs[i] = wrk.format("GET", args[1] .. i) end
  n = math.floor((tid or 0) * products / $THREADS) % products
  math.randomseed(os.time() + (tid or 0) * 7919)
end
function request()
  $next_id
  return reqs[n]
end
LUA

# ---- measuring -------------------------------------------------------------------------------
wrk_ids() { # base-url path-prefix duration outfile
  # shellcheck disable=SC2086
  $PIN_LOAD wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --timeout "$WRK_TIMEOUT" --latency -s "$tmp/ids.lua" "$1" -- "$2" \
    >"$4" 2>&1 || true
}
upstream_total() { # sum of the demo services' request counters
  local s total=0 n
  for s in $SERVICES; do
    n=$(curl -fsS -m 5 "$(url_of "$s")/_admin/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])')
    total=$((total + n))
  done
  echo "$total"
}
reset_stats() {
  local s
  for s in $SERVICES; do curl -fsS -m 5 -o /dev/null -X POST "$(url_of "$s")/_admin/stats/reset"; done
}
errors_of() { # wrk output: non-2xx/3xx answers plus socket errors
  awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$1"
}
fmt='%-8s %-20s %5s %10s %8s %8s %10s %7s %7s\n'
measure() { # scenario gateway round -> one result line
  local sc=$1 g=$2 round=$3 out="$tmp/wrk-$1-$2-$3.txt" before after rps p50 p99 errors reqs up0 up1 cpu_us up
  reset_stats
  up0=$(upstream_total)
  before=$(cpu_ticks "${gw_pid[$g]}")
  wrk_ids "http://127.0.0.1:${gw_port[$g]}" "${scen_prefix[$sc]}" "$DURATION" "$out"
  after=$(cpu_ticks "${gw_pid[$g]}")
  up1=$(upstream_total)
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  reqs=$(awk '/requests in/ {print $1}' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  errors=$(errors_of "$out")
  if [ "$errors" != 0 ]; then
    grep -E 'Non-2xx|Socket errors' "$out" | sed "s/^ */  $sc $g round $round: /" >>"$tmp/errdetail"
  fi
  if [ -z "$rps" ]; then
    echo "wrk failed against $g:" >&2
    cat "$out" >&2
    rps=0 reqs=0
  fi
  # CPU microseconds the gateway spent per request; upstream requests per gateway request
  cpu_us=$(awk -v t=$((after - before)) -v hz="$HZ" -v r="$reqs" 'BEGIN {printf "%.1f", (r > 0 ? t * 1e6 / hz / r : 0)}')
  up=$(awk -v u=$((up1 - up0)) -v r="$reqs" 'BEGIN {printf "%.2f", (r > 0 ? u / r : 0)}')
  # shellcheck disable=SC2059
  printf "$fmt" "$sc" "$g" "$round" "$rps" "$p50" "$p99" "$cpu_us" "$errors" "$up"
}

# What each gateway answers for product 7, and how many upstream calls it makes per request
# (20 sequential requests, ids 1..20): the comparison is only fair if both do the same work.
check_scenario() { # scenario -> report lines; exits when a gateway does not serve the scenario
  local sc=$1 g code s before total i ref=""
  for g in "${gw_names[@]}"; do
    code=$(curl -sS -m 10 -o "$tmp/check-$sc-$g.json" -w '%{http_code}' \
      "http://127.0.0.1:${gw_port[$g]}${scen_prefix[$sc]}7" || echo 000)
    if [ "$code" != 200 ]; then
      echo "$g answers $code on ${scen_prefix[$sc]}7 (scenario $sc):" >&2
      head -c 400 "$tmp/check-$sc-$g.json" >&2 || true
      echo >&2
      echo "does this build serve the scenario? choose others with SCENARIOS=..." >&2
      exit 1
    fi
  done
  printf '  %-20s' "upstream calls/req"
  for s in $SERVICES; do printf ' %9.9s' "$s"; done
  printf ' %7s\n' total
  for g in "${gw_names[@]}"; do
    printf '  %-20s' "$g"
    total=0
    for s in $SERVICES; do
      curl -fsS -m 5 -o /dev/null -X POST "$(url_of "$s")/_admin/stats/reset"
    done
    for i in $(seq 1 20); do
      curl -sS -m 10 -o /dev/null "http://127.0.0.1:${gw_port[$g]}${scen_prefix[$sc]}$i" || true
    done
    for s in $SERVICES; do
      before=$(curl -fsS -m 5 "$(url_of "$s")/_admin/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])')
      total=$((total + before))
      awk -v n="$before" 'BEGIN {printf " %9.2f", n / 20}'
    done
    awk -v n="$total" 'BEGIN {printf " %7.2f\n", n / 20}'
  done
  # the answers, compared with the first gateway's (usually bff-web's)
  for g in "${gw_names[@]}"; do
    if [ -z "$ref" ]; then ref=$g; continue; fi
    python3 - "$tmp/check-$sc-$ref.json" "$tmp/check-$sc-$g.json" "$ref" "$g" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ra, rb = sys.argv[3], sys.argv[4]
diffs = []
def walk(x, y, path):
    if isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y), key=str):
            if k not in y: diffs.append(f"{path}{k}: only in {ra}")
            elif k not in x: diffs.append(f"{path}{k}: only in {rb}")
            else: walk(x[k], y[k], f"{path}{k}.")
    elif isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y): diffs.append(f"{path[:-1]}: {len(x)} items in {ra}, {len(y)} in {rb}")
        for i, (u, v) in enumerate(zip(x, y)): walk(u, v, f"{path}{i}.")
    elif x != y and not (isinstance(x, (int, float)) and isinstance(y, (int, float)) and float(x) == float(y)):
        diffs.append(f"{path[:-1]}: {json.dumps(x)[:60]} in {ra}, {json.dumps(y)[:60]} in {rb}")
walk(a, b, "")
if diffs:
    print(f"  answer for id 7, {rb} against {ra}: {len(diffs)} difference(s)")
    for d in diffs[:10]: print("    " + d)
else:
    print(f"  answer for id 7, {rb} against {ra}: same JSON")
PY
  done
}

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$bench/results"
result="$bench/results/aggregate-$stamp.txt"
{
  echo "aggregation benchmark $stamp on $(hostname) ($(nproc) cores, $(uname -r))"
  echo "mode=$MODE wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $WRK_TIMEOUT --latency, ids 1..$PRODUCTS ($ID_ORDER), rounds=$ROUNDS, warm-up bff $WARMUP express $WARMUP_NODE"
  echo "scenarios: $(for s in "${scen_names[@]}"; do printf '%s=%s:id ' "$s" "${scen_prefix[$s]}"; done)"
  for g in "${gw_names[@]}"; do printf '  %-20s %s\n' "$g" "${gw_desc[$g]}"; done
  echo "bff-java-opts=$BFF_JAVA_OPTS${BFF_CONFIG:+ config=$BFF_CONFIG}; demo services: one JVM ($DEMO_JAVA_OPTS)"
  echo "$(java -version 2>&1 | head -1), node $(node -v), express $(node -p 'require(process.argv[1]).version' \
    "$bench/node_modules/express/package.json" 2>/dev/null || echo '?'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "express upstream-timeout=${UPSTREAM_TIMEOUT_MS}ms node-args=${NODE_ARGS:-none}"
  for sc in "${scen_names[@]}"; do
    echo "check $sc (${scen_prefix[$sc]}:id):"
    check_scenario "$sc"
  done
  echo "load before warm-up: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$result" # a failed check ends the script here (pipefail)

for sc in "${scen_names[@]}"; do
  for g in "${gw_names[@]}"; do
    w=$WARMUP_NODE
    if [ "$g" = bff ]; then w=$WARMUP; fi
    echo "warming up $g on $sc ($w)..." >&2
    wrk_ids "http://127.0.0.1:${gw_port[$g]}" "${scen_prefix[$sc]}" "$w" "$tmp/warm-$sc-$g.txt"
    e=$(errors_of "$tmp/warm-$sc-$g.txt")
    if [ "$e" != 0 ]; then echo "  ($g had $e errors during its warm-up on $sc)" >&2; fi
  done
done
echo "load after warm-up: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"

# shellcheck disable=SC2059
printf "$fmt" scenario gateway round "req/s" "p50 ms" "p99 ms" "cpu us/req" errors "up/req" | tee -a "$result"
: >"$tmp/lines"
: >"$tmp/errdetail"
for sc in "${scen_names[@]}"; do
  for r in $(seq 1 "$ROUNDS"); do
    for g in "${gw_names[@]}"; do
      measure "$sc" "$g" "$r" | tee -a "$result" "$tmp/lines"
    done
  done
done

col() { awk -v s="$1" -v n="$2" -v c="$3" '$1 == s && $2 == n {print $c}' "$tmp/lines" | median; }
{
  if [ -s "$tmp/errdetail" ]; then
    echo "errors (wrk: Non-2xx = answers other than 2xx/3xx; timeout = no answer within $WRK_TIMEOUT):"
    cat "$tmp/errdetail"
  fi
  echo "medians (cpu us/req: CPU time of the gateway process, Node cluster workers included, per request;"
  echo "         up/req: requests the demo services received per gateway request):"
  for sc in "${scen_names[@]}"; do
    for g in "${gw_names[@]}"; do
      printf '  %-8s %-20s %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %7.1f us/req  errors %s  up/req %s\n' \
        "$sc" "$g" "$(col "$sc" "$g" 4)" "$(col "$sc" "$g" 5)" "$(col "$sc" "$g" 6)" "$(col "$sc" "$g" 7)" \
        "$(col "$sc" "$g" 8)" "$(col "$sc" "$g" 9)"
    done
  done
  if [ -n "${gw_port[bff]:-}" ]; then
    echo "ratios bff / express (req/s: above 1 = bff-web serves more; p50, p99, cpu: below 1 = bff-web is lower):"
    for sc in "${scen_names[@]}"; do
      for g in "${gw_names[@]}"; do
        [ "$g" = bff ] && continue
        awk -v sc="$sc" -v g="$g" -v a="$(col "$sc" bff 4)" -v b="$(col "$sc" "$g" 4)" \
          -v c="$(col "$sc" bff 5)" -v d="$(col "$sc" "$g" 5)" -v e="$(col "$sc" bff 6)" -v f="$(col "$sc" "$g" 6)" \
          -v h="$(col "$sc" bff 7)" -v i="$(col "$sc" "$g" 7)" 'function q(x, y) { return y > 0 ? sprintf("%.2fx", x / y) : "n/a" }
          BEGIN { printf "  %-8s bff/%-20s req/s %s  p50 %s  p99 %s  cpu/req %s\n", sc, g, q(a, b), q(c, d), q(e, f), q(h, i) }'
      done
    done
  fi
} | tee -a "$result"

# ---- overhead at LATENCY_MS: every part takes LATENCY_MS; what does each gateway add on top? -------
if [ "$OVERHEAD" = 1 ]; then
  direct_url="$(url_of "${OVERHEAD_DIRECT%%/*}")/${OVERHEAD_DIRECT#*/}"
  for s in $OVERHEAD_SERVICES; do
    curl -fsS -m 5 -o /dev/null -X POST -H 'content-type: application/json' \
      -d "{\"path\":\"*\",\"latencyMs\":$LATENCY_MS}" "$(url_of "$s")/_admin/faults"
    faulted="$faulted $s"
  done
  {
    echo "overhead at $LATENCY_MS ms: latency ${LATENCY_MS} ms injected into$faulted (demo fault API), wrk -t$OVERHEAD_THREADS -c$OVERHEAD_CONNECTIONS -d$OVERHEAD_DURATION --latency"
    echo "  direct = $OVERHEAD_DIRECT on its service; gateways = $OVERHEAD_PATH"
  } | tee -a "$result"
  ofmt='  %-20s %5s %9s %9s %9s %7s\n'
  # shellcheck disable=SC2059
  printf "$ofmt" target round "req/s" "p50 ms" "p99 ms" errors | tee -a "$result"
  : >"$tmp/olines"
  for r in $(seq 1 "$OVERHEAD_ROUNDS"); do
    for t in direct "${gw_names[@]}"; do
      url="http://127.0.0.1:${gw_port[$t]:-}$OVERHEAD_PATH"
      if [ "$t" = direct ]; then url=$direct_url; fi
      out="$tmp/over-$t-$r.txt"
      # shellcheck disable=SC2086
      $PIN_LOAD wrk -t"$OVERHEAD_THREADS" -c"$OVERHEAD_CONNECTIONS" -d"$OVERHEAD_DURATION" --timeout "$WRK_TIMEOUT" \
        --latency "$url" >"$out" 2>&1 || true
      # shellcheck disable=SC2059
      printf "$ofmt" "$t" "$r" "$(awk '/^Requests\/sec:/ {print $2}' "$out")" \
        "$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")" "$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")" \
        "$(errors_of "$out")" | tee -a "$result" "$tmp/olines"
    done
  done
  clear_faults
  ocol() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$tmp/olines" | median; }
  d50=$(ocol direct 4)
  d99=$(ocol direct 5)
  {
    printf '  p50 overhead = gateway p50 - direct p50 (direct p50 %.3f ms, p99 %.3f ms):\n' "$d50" "$d99"
    for g in "${gw_names[@]}"; do
      awk -v g="$g" -v a="$(ocol "$g" 4)" -v b="$d50" -v c="$(ocol "$g" 5)" -v d="$d99" 'BEGIN {
        printf "    %-20s p50 %7.3f ms  overhead %+7.3f ms    (p99 %7.3f ms, %+7.3f ms)\n", g, a, a - b, c, c - d }'
    done
  } | tee -a "$result"
fi
{
  echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "results: $result"
} | tee -a "$result"
