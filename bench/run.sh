#!/usr/bin/env bash
# Builds what the bench needs and runs every engine benchmark; writes docs/benchmarks.md and bench/results/*.json.
#
#   bench/run.sh                      # embedded PostgreSQL in a temp directory
#   DATABASE_URL=postgres://u:p@host:5432/db bench/run.sh
#   BENCH_SCENARIOS=drain,latency BENCH_RUNS=5 bench/run.sh
#   BENCH_JFR=1 bench/run.sh          # also record a JFR file in bench/results/
#
# Knobs (environment): BENCH_RUNS, BENCH_JOBS, BENCH_CONCURRENCY, BENCH_CLAIM_BATCH, BENCH_POOL, BENCH_HISTORY,
# BENCH_LATENCY_RATE, BENCH_LATENCY_SECONDS, BENCH_DBS_THREADS, BENCH_SCENARIOS (drain,raw,dbscheduler,latency,growth,sweep),
# BENCH_JAVA_OPTS.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

./mvnw -B -q install -DskipTests -pl bench -am
./mvnw -B -q dependency:build-classpath -pl bench -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime

mkdir -p bench/results
opts=(-Xms1g -Xmx2g -XX:+UseParallelGC)
if [[ -n "${BENCH_JFR:-}" ]]; then
  opts+=("-XX:StartFlightRecording=filename=bench/results/bench-$(date +%Y%m%d-%H%M%S).jfr,settings=profile")
fi
# shellcheck disable=SC2206
opts+=(${BENCH_JAVA_OPTS:-})

exec "$java" "${opts[@]}" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.relaybox.bench.BenchMain
