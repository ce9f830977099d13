#!/usr/bin/env bash
# Builds the jar and the bench, runs the benchmarks; writes docs/benchmarks.md and bench/results/*.json.
#
#   bench/run.sh                      # everything (35-40 min, estimated), embedded PostgreSQL (fsync on) in a temp directory
#   bench/run.sh intake e2e           # a subset: scenario names, or the groups "engine" and "app"
#   bench/run.sh intake e2e minimal   # and the same measurements of MinimalService after the jar's, each round
#   DATABASE_URL=postgres://u:p@host:5432/db bench/run.sh
#   BENCH_RUNS=5 bench/run.sh engine
#   BENCH_JFR=1 bench/run.sh          # also record a JFR file of the bench JVM in bench/results/
#
# Scenarios: drain, raw, dbscheduler, latency, growth (the engine in this JVM); intake, e2e (the real jar as a process,
# with wrk, pgbench and a loopback Slack sink; they also measure the jar's footprint); minimal (intake and e2e of a minimal
# service built from the jar's libraries, in the jar's place, for reference; needs intake or e2e); sweep (not in "all").
# Knobs (environment): BENCH_RUNS, BENCH_JOBS, BENCH_CONCURRENCY, BENCH_CLAIM_BATCH, BENCH_POOL, BENCH_HISTORY,
# BENCH_LATENCY_RATE, BENCH_LATENCY_SECONDS, BENCH_RAW_JOBS (per sweep cell, 20000), BENCH_SCENARIOS, BENCH_JAVA_OPTS (bench JVM),
# BENCH_APP_JAVA_OPTS (the jar and the minimal service, default -Xmx256m), BENCH_APP_ENV (space-separated RELAYBOX_*=value for the jar only, printed in the report), BENCH_INTAKE_CONCURRENCY (1,16,64), BENCH_INTAKE_SECONDS (15),
# BENCH_E2E_RATES (200,1000), BENCH_E2E_SECONDS (60), BENCH_APP_WARMUP_SECONDS (60, at c64, before the first measurement of the jar and of the minimal service),
# BENCH_INTAKE_WARMUP_SECONDS (5, unrecorded at each intake window's concurrency right before it; 0: none).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ $# -gt 0 ]]; then
  scenarios=()
  for arg in "$@"; do
    case "$arg" in
      all) scenarios+=(drain raw dbscheduler latency growth intake e2e minimal) ;;
      engine) scenarios+=(drain raw dbscheduler latency growth) ;;
      app) scenarios+=(intake e2e minimal) ;;
      drain|raw|dbscheduler|latency|growth|intake|e2e|minimal|sweep) scenarios+=("$arg") ;;
      *) echo "unknown scenario '$arg' (drain raw dbscheduler latency growth intake e2e minimal sweep, or engine / app / all)" >&2; exit 2 ;;
    esac
  done
  BENCH_SCENARIOS="$(IFS=,; echo "${scenarios[*]}")"
  export BENCH_SCENARIOS
fi

scenarios_now="${BENCH_SCENARIOS:-drain,raw,dbscheduler,latency,growth,intake,e2e,minimal}"
if [[ ",$scenarios_now," == *,minimal,* && ",$scenarios_now," != *,intake,* && ",$scenarios_now," != *,e2e,* ]]; then
  echo "minimal measures the minimal service the way intake and e2e measure the jar: name intake or e2e too" >&2
  exit 2
fi
if [[ ",$scenarios_now," == *,intake,* ]]; then
  command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
  command -v pgbench >/dev/null || [[ -x /usr/lib/postgresql/15/bin/pgbench ]] \
    || { echo "pgbench is missing: apt-get install -y postgresql-client (Debian ships pgbench with it)" >&2; exit 1; }
fi

if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# One reactor build: the runnable jar (bootstrap/target/relaybox.jar) and the bench's classpath, resolved to this
# checkout's module jars, not to whatever snapshots sit in ~/.m2.
./mvnw -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime

mkdir -p bench/results
opts=(-Xms1g -Xmx2g -XX:+UseParallelGC)
if [[ -n "${BENCH_JFR:-}" ]]; then
  opts+=("-XX:StartFlightRecording=filename=bench/results/bench-$(date +%Y%m%d-%H%M%S).jfr,settings=profile")
fi
# shellcheck disable=SC2206
opts+=(${BENCH_JAVA_OPTS:-})

exec "$java" "${opts[@]}" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.relaybox.bench.BenchMain
