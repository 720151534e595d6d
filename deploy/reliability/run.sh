#!/usr/bin/env bash
# The reliability suite's full form: the scenario of ReliabilityShortTest (bff-web) run for N minutes
# of load at 1,000 req/s (default 10) against two bff-web replicas behind nginx sharing Redis, with
# every fault, the fuzzer and the slow clients; writes deploy/reliability/RESULTS.md (the command,
# date, machine, every figure and each fault's outcome) and exits non-zero when an invariant broke.
#   deploy/reliability/run.sh          10 minutes of load (about 12 minutes with start-up)
#   deploy/reliability/run.sh 2        a shorter run; RESULTS.md names the duration used
# Needs java 17, maven, nginx and redis-server on the PATH (.ci/run installs nginx-light and
# redis-server). Maven runs offline (-o) unless MVN_FLAGS says otherwise (e.g. MVN_FLAGS=-ntp).
# The per-replica logs are left in bff-web/target/reliability-full-replica-{a,b}.log.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
minutes="${1:-10}"
if ! [[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "usage: $0 [minutes]   (default 10)" >&2
  exit 2
fi
missing=()
for tool in java mvn redis-server; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -x /usr/sbin/nginx ] || [ -x /usr/bin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]} (apt-get install openjdk-17-jdk-headless maven nginx-light redis-server)" >&2
  exit 2
fi
results="$root/deploy/reliability/RESULTS.md"
flags="${MVN_FLAGS:--o}"
command="deploy/reliability/run.sh $minutes  (mvn $flags -q -B test -pl bff-web -am -Dtest=ReliabilityFullRun -Dreliability.minutes=$minutes)"
echo "reliability suite, full form: $minutes minutes of load; results in deploy/reliability/RESULTS.md"
cd "$root"
status=0
# shellcheck disable=SC2086
mvn $flags -q -B test -pl bff-web -am -Dtest=ReliabilityFullRun -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.minutes="$minutes" -Dreliability.results="$results" -Dreliability.command="$command" || status=$?
echo "results: $results (exit status $status)"
exit $status
