#!/usr/bin/env bash
# A Relaybox cluster on this machine: an external PostgreSQL 15, N jars with distinct RELAYBOX_NODE_IDs, and nginx in
# front, all on 127.0.0.1. See deploy/README.md.
#
#   deploy/cluster.sh up N        fresh database, N jars, nginx on 127.0.0.1:$((CLUSTER_PORT_BASE)) (default 21600)
#   deploy/cluster.sh down        stop nginx, the jars (SIGTERM) and PostgreSQL; the state directory is kept
#   deploy/cluster.sh roll        restart every jar in turn: SIGTERM, drain, start, wait for /health/ready
#   deploy/cluster.sh kill N      SIGKILL jar N (its leased jobs are rescued by the others after RELAYBOX_JOB_LEASE)
#   deploy/cluster.sh start N     start jar N again (after kill) and wait until it is ready
#   deploy/cluster.sh stop N      SIGTERM jar N and wait until it has drained and exited
#   deploy/cluster.sh pause N | resume N    SIGSTOP / SIGCONT jar N
#   deploy/cluster.sh pg-crash | pg-start   PostgreSQL stopped with -m immediate / started again
#   deploy/cluster.sh status
#   deploy/cluster.sh load RATE SECONDS [roll|kill N]   open-loop load through nginx (Idempotency-Key on every POST)
#                                                       with the loopback fakes; optionally roll or kill meanwhile
#                                                       (the load then lasts until the action is done + 5 s)
#   deploy/cluster.sh bench       intake and drain with 1, 2 and 3 jars; writes the fleet section of docs/benchmarks.md
#
# Environment: CLUSTER_PORT_BASE, CLUSTER_DIR, PG_BIN, RELAYBOX_JAR, CLUSTER_JAVA_OPTS, and any RELAYBOX_* setting,
# which every jar gets.
source "$(dirname "$0")/lib.sh"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

node_arg() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] || usage
  (( $1 >= 1 && $1 <= $(jar_count) )) || die "no jar $1 in this cluster of $(jar_count)"
}

# The load generator, fakes and benchmark live in the bench module (dev.relaybox.bench.fleet).
fleet_java() {
  local cp_file="$REPO_ROOT/bench/target/fleet-classpath.txt"
  if [[ ! -f "$cp_file" || ! -d "$REPO_ROOT/bench/target/classes" ]]; then
    (cd "$REPO_ROOT" && ./mvnw -B -q -ntp -DskipTests package dependency:build-classpath -pl bench -am \
      -Dmdep.outputFile=target/fleet-classpath.txt -Dmdep.includeScope=runtime)
  fi
  REPO_ROOT="$REPO_ROOT" CLUSTER_PORT_BASE="$CLUSTER_PORT_BASE" CLUSTER_DIR="$CLUSTER_DIR" \
    "$JAVA" -Xmx1g -cp "$REPO_ROOT/bench/target/classes:$(cat "$cp_file")" "$@"
}

case "${1:-}" in
  up) [[ "${2:-}" =~ ^[0-9]+$ ]] || usage; cluster_up "$2" ;;
  down) cluster_down ;;
  roll) cluster_roll ;;
  kill) node_arg "${2:-}"; jar_signal "$2" KILL ;;
  start) node_arg "${2:-}"; jar_start "$2"; jar_wait_ready "$2" ;;
  stop) node_arg "${2:-}"; jar_stop "$2" 60 ;;
  pause) node_arg "${2:-}"; jar_signal "$2" STOP ;;
  resume) node_arg "${2:-}"; jar_signal "$2" CONT ;;
  pg-crash) pg_crash ;;
  pg-start) pg_start ;;
  status) cluster_status ;;
  load) shift; fleet_java dev.relaybox.bench.fleet.FleetMain load "$@" ;;
  bench) shift; fleet_java dev.relaybox.bench.fleet.FleetMain bench "$@" ;;
  chaos) shift; fleet_java dev.relaybox.bench.fleet.FleetMain chaos "$@" ;;
  *) usage ;;
esac
