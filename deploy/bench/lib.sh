# shellcheck shell=bash disable=SC2154,SC2034  # $tmp is the caller's; HZ is used by the callers
# Shared by the benchmark scripts (sourced, not run): ports, readiness, CPU time, wrk latencies, medians.
# Callers set $tmp (a temp dir holding "<name>.log" for each process they start).

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # url name: waits up to a minute for a 2xx, else shows the process's log and exits
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "$2 did not answer $1; its log:" >&2
  tail -20 "$tmp/$2.log" >&2 || true
  exit 1
}

HZ=$(getconf CLK_TCK)
cpu_ticks() { # pid: user+system ticks of the process and its children (nginx or cluster workers)
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    if [ -r "/proc/$p/stat" ]; then
      total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
    fi
  done
  echo "$total"
}

to_ms() { # wrk latency like 812.00us, 1.23ms, 1.02s -> milliseconds ("nan" when empty)
  awk -v v="$1" 'BEGIN {
    if (v == "") { print "nan"; exit }
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
    else { sub(/s$/, "", v); printf "%.3f", v * 1000 } }'
}

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

stop_processes() { # the PIDs in $pids: TERM, up to 5 s each to exit, then KILL; and the temp dir $tmp
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}

ensure_jars() { # jar...: builds the project (offline) when one of them is missing
  local j
  for j in "$@"; do
    if [ ! -f "$j" ]; then
      echo "building the jars (mvn -o -q -B -DskipTests package)..." >&2
      (cd "$root" && mvn -o -q -B -DskipTests package)
      return
    fi
  done
}

nginx_preamble() { # prefix-dir workers: the start of an nginx.conf for a private nginx (no root, temp files under the dir)
  cat <<CONF
worker_processes $2;
daemon off;
pid $1/nginx.pid;
error_log $1/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $1/tmp/body;
  proxy_temp_path $1/tmp/proxy;
  fastcgi_temp_path $1/tmp/fastcgi;
  uwsgi_temp_path $1/tmp/uwsgi;
  scgi_temp_path $1/tmp/scgi;
CONF
}

ensure_wrk_nginx() { # installs wrk and nginx-light with apt-get when missing; sets $NGINX
  local need=()
  command -v wrk >/dev/null || need+=(wrk)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} with apt-get (needs root)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
}
