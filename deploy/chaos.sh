#!/usr/bin/env bash
# The chaos harness, run by hand (not in CI; about 4 minutes plus the build): an external PostgreSQL behind a TCP
# proxy that can cut connections, three jars and nginx (deploy/cluster.sh), steady load on assistance requests and
# purchases with loopback fakes for Slack, Google and the backend, and in turn: kill -9 of a jar; SIGSTOP of a jar
# for twice RELAYBOX_JOB_LEASE, then SIGCONT; a PostgreSQL crash and restart; every PostgreSQL connection cut
# mid-transaction. Writes the per-flow counts to docs/reliability.md.
#
#   deploy/chaos.sh
#   CHAOS_RATE=60 CHAOS_LEASE_SECONDS=6 CHAOS_QUIET_SECONDS=20 deploy/chaos.sh
#
# Ports: CLUSTER_PORT_BASE (default 21600) and the next 13 (see deploy/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
./mvnw -B -q -ntp -DskipTests package dependency:build-classpath -pl bootstrap,bench -am \
  -Dmdep.outputFile=target/fleet-classpath.txt -Dmdep.includeScope=runtime
exec deploy/cluster.sh chaos "$@"
