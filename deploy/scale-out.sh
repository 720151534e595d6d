#!/usr/bin/env bash
# The demo stack scaled out: Redis, the demo services, TWO replicas of each BFF sharing Redis for
# rate limits and the response cache, and nginx in front of each pair on the usual client ports
# (web 8081, mobile 8082, tv 8083, partner 8084), round robin.
#   deploy/scale-out.sh               build, start, print curl commands that show the sharing
#   deploy/scale-out.sh --no-build    start without rebuilding
#   deploy/scale-out.sh stop          stop what it started
# Replica n of bff-X listens on 1808X + 10000*(n-1) ... e.g. bff-web: 18081 and 28081, admin 19081 and
# 29081; bff-partner's mTLS listener: 18444 and 28444 (not balanced: a client certificate is
# checked by the replica it reaches). Redis listens on 6380 (not the machine's 6379).
# Settings: BFF_VISITOR_RATE [100/s] BFF_VISITOR_BURST [200] (lower them to watch the shared limit),
# REDIS_PORT [6380].
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
run="$root/.run/scale-out"
mkdir -p "$run"
REDIS_PORT=${REDIS_PORT:-6380}

stop() {
  for f in "$run"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    rm -f "$f"
  done
  echo "scaled-out stack stopped"
}
if [ "${1:-}" = "stop" ]; then stop; exit 0; fi
stop >/dev/null

need=()
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
command -v curl >/dev/null || need+=(curl)
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (needs root)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ "${1:-}" != "--no-build" ]; then
  echo "building (mvn -DskipTests package)..."
  (cd "$root" && mvn -B -q -ntp -DskipTests package)
fi

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning \
  >"$run/redis.log" 2>&1 &
echo $! >"$run/redis.pid"

nohup java -Xms64m -Xmx256m -jar "$root/deploy/demo-services/target/demo-services.jar" >"$run/demo-services.log" 2>&1 &
echo $! >"$run/demo-services.pid"

declare -A port=([web]=8081 [mobile]=8082 [tv]=8083 [partner]=8084)
for b in web mobile tv partner; do
  upper=${b^^}
  for n in 1 2; do
    p=$(( port[$b] + 10000 * n ))
    env "BFF_${upper}_PORT=$p" "BFF_${upper}_ADMIN_PORT=$((p + 1000))" BFF_PARTNER_MTLS_PORT=$((8444 + 10000 * n)) \
      BFF_HOST=127.0.0.1 REDIS_URL="redis://127.0.0.1:$REDIS_PORT" BFF_RATE_LIMIT_STORE=redis BFF_CACHE_STORE=redis \
      BFF_REPLICAS=2 BFF_VISITOR_RATE="${BFF_VISITOR_RATE:-100/s}" BFF_VISITOR_BURST="${BFF_VISITOR_BURST:-200}" \
      nohup java -Xms64m -Xmx384m -jar "$root/bff-$b/target/bff-$b.jar" >"$run/bff-$b-$n.log" 2>&1 &
    echo $! >"$run/bff-$b-$n.pid"
  done
done

mkdir -p "$run/nginx/logs" "$run/nginx/tmp"
{
  cat <<CONF
worker_processes 1;
daemon off;
pid $run/nginx/nginx.pid;
error_log $run/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $run/nginx/tmp/body;
  proxy_temp_path $run/nginx/tmp/proxy;
  fastcgi_temp_path $run/nginx/tmp/fastcgi;
  uwsgi_temp_path $run/nginx/tmp/uwsgi;
  scgi_temp_path $run/nginx/tmp/scgi;
CONF
  for b in web mobile tv partner; do
    cat <<CONF
  upstream bff-$b { server 127.0.0.1:$(( port[$b] + 10000 )); server 127.0.0.1:$(( port[$b] + 20000 )); keepalive 16; }
  server {
    listen 127.0.0.1:${port[$b]};
    location / {
      proxy_pass http://bff-$b;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
CONF
  done
  echo "}"
} >"$run/nginx/nginx.conf"
"$NGINX" -p "$run/nginx" -c "$run/nginx/nginx.conf" >"$run/nginx.log" 2>&1 &
echo $! >"$run/nginx.pid"

wait_ready() { # url name
  for _ in $(seq 1 90); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "$2 did not become ready; see $run/$2.log" >&2
  return 1
}
wait_ready http://127.0.0.1:7101/health demo-services
for b in web mobile tv partner; do
  for n in 1 2; do wait_ready "http://127.0.0.1:$(( port[$b] + 10000 * n + 1000 ))/health/ready" "bff-$b-$n"; done
done

cat <<MSG
scaled-out stack is up: each BFF twice behind nginx, sharing Redis :$REDIS_PORT (logs in $run; stop with: deploy/scale-out.sh stop)
  # one cache for both replicas: MISS from one replica, then HIT from the other
  curl -s -o /dev/null -w '%{http_code} %header{x-cache}\n' localhost:8081/api/products/5
  curl -s -o /dev/null -w '%{http_code} %header{x-cache}\n' localhost:8081/api/products/5
  # one rate limit for both replicas (start with BFF_VISITOR_RATE=10/m BFF_VISITOR_BURST=10 to see it soon)
  for i in \$(seq 1 15); do curl -s -o /dev/null -w '%{http_code} ' localhost:8081/api/products/\$i; done; echo
  curl -s localhost:19081/admin/rate-limits; curl -s localhost:29081/admin/rate-limits   # each replica's share of it
MSG
