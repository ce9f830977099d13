# shellcheck shell=bash
# The cluster kit's building blocks: an external PostgreSQL, N Relaybox jars and nginx, all on 127.0.0.1.
# Sourced by deploy/cluster.sh and, through it, by the chaos harness (deploy/chaos.sh); nothing here runs on its own.
#
# Layout (every port is CLUSTER_PORT_BASE + offset, default base 21600):
#   +0 nginx   +1 PostgreSQL   +2 the chaos harness's TCP proxy to PostgreSQL   +3 loopback fakes (Slack, Google,
#   backend) served by whoever drives the load   +10+i jar i (i = 1..N)
# State lives in CLUSTER_DIR (default /tmp/relaybox-cluster-<base>): pg/ (data), *.log, jar-i.pid, nginx/.
#
# Settings for the jars: every RELAYBOX_* variable exported by the caller is passed to every jar (e.g.
# RELAYBOX_JOB_LEASE=6s deploy/cluster.sh up 3); per-node ones (port, node id, DATABASE_URL) are set here.

set -euo pipefail

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$DEPLOY_DIR/.." && pwd)"
CLUSTER_PORT_BASE="${CLUSTER_PORT_BASE:-21600}"
CLUSTER_DIR="${CLUSTER_DIR:-/tmp/relaybox-cluster-$CLUSTER_PORT_BASE}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
RELAYBOX_JAR="${RELAYBOX_JAR:-$REPO_ROOT/bootstrap/target/relaybox.jar}"
CLUSTER_API_KEY="${CLUSTER_API_KEY:-rbx_cluster_api_key_0123456789abcdef}"
CLUSTER_ADMIN_KEY="${CLUSTER_ADMIN_KEY:-rbx_cluster_admin_key_0123456789abcdef}"
CLUSTER_JAVA_OPTS="${CLUSTER_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}"
CLUSTER_PG_MAX_CONNECTIONS="${CLUSTER_PG_MAX_CONNECTIONS:-200}"

NGINX_PORT=$((CLUSTER_PORT_BASE + 0))
PG_PORT=$((CLUSTER_PORT_BASE + 1))
PROXY_PORT=$((CLUSTER_PORT_BASE + 2))
FAKES_PORT=$((CLUSTER_PORT_BASE + 3))
# The port the jars connect to: PostgreSQL itself, or the chaos harness's proxy in front of it.
CLUSTER_DB_PORT="${CLUSTER_DB_PORT:-$PG_PORT}"
PG_USER=relaybox
PG_DB=relaybox

# The jars and the load generator need Java 21+, and the generator is built with ./mvnw, which reads JAVA_HOME: where
# none is set, take a JDK 21+ from /usr/lib/jvm (the default java may be older) and export it.
if [[ -z "${JAVA_HOME:-}" ]]; then
  for jdk_candidate in /usr/lib/jvm/*; do
    [[ -x "$jdk_candidate/bin/java" ]] || continue
    jdk_version="$("$jdk_candidate/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2 }')"
    if [[ "$jdk_version" =~ ^[0-9]+$ ]] && ((jdk_version >= 21)); then
      export JAVA_HOME="$jdk_candidate"
    fi
  done
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

log() { printf '%s cluster: %s\n' "$(date -u +%H:%M:%S.%3N)" "$*" >&2; }
die() { log "$*"; exit 1; }

jar_port() { echo $((CLUSTER_PORT_BASE + 10 + $1)); }
jar_pid_file() { echo "$CLUSTER_DIR/jar-$1.pid"; }
node_id() { echo "node-$1"; }

# ---- prerequisites ------------------------------------------------------------------------------------------------

need_postgres() {
  [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] \
    || die "PostgreSQL server binaries not found in $PG_BIN (apt-get install -y postgresql-15, or set PG_BIN)"
}

need_nginx() {
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || die "nginx not found (apt-get install -y nginx)"
}

nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

need_jar() {
  [[ -f "$RELAYBOX_JAR" ]] || die "$RELAYBOX_JAR is missing: ./mvnw -q -DskipTests package -pl bootstrap -am"
}

# ---- PostgreSQL ---------------------------------------------------------------------------------------------------

# PostgreSQL refuses to run as root; CI runs as root, so the server runs as nobody there.
as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

pg_password() { cat "$CLUSTER_DIR/pg-password"; }

database_url() {
  echo "jdbc:postgresql://127.0.0.1:$CLUSTER_DB_PORT/$PG_DB?user=$PG_USER&password=$(pg_password)"
}

pg_init() {
  need_postgres
  mkdir -p "$CLUSTER_DIR"
  chmod 755 "$CLUSTER_DIR"
  local data="$CLUSTER_DIR/pg"
  rm -rf "$data"
  mkdir -p "$data"
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$CLUSTER_DIR/pg-password"
  chmod 644 "$CLUSTER_DIR/pg-password"
  if [[ "$(id -u)" == 0 ]]; then chown nobody:nogroup "$data"; fi
  chmod 700 "$data"
  as_postgres "$PG_BIN/initdb" -D "$data" -U "$PG_USER" --pwfile="$CLUSTER_DIR/pg-password" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C >"$CLUSTER_DIR/initdb.log" 2>&1 || { cat "$CLUSTER_DIR/initdb.log" >&2; die "initdb failed"; }
  cat >>"$data/postgresql.conf" <<EOF
# deploy/lib.sh: loopback only, durable commits (fsync and synchronous_commit stay on).
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
max_connections = $CLUSTER_PG_MAX_CONNECTIONS
shared_buffers = 128MB
EOF
  pg_start
  PGPASSWORD="$(pg_password)" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
}

pg_start() {
  as_postgres "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/pg" -l "$CLUSTER_DIR/pg/server.log" -w -t 60 start >/dev/null
  log "PostgreSQL up on 127.0.0.1:$PG_PORT"
}

# A crash: no checkpoint, no goodbye to clients; the next start replays the WAL.
pg_crash() {
  as_postgres "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/pg" -m immediate -w stop >/dev/null
  log "PostgreSQL stopped with -m immediate"
}

pg_stop() {
  if [[ -f "$CLUSTER_DIR/pg/postmaster.pid" ]]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/pg" -m fast -w stop >/dev/null || true
  fi
}

psql_cluster() {
  PGPASSWORD="$(pg_password)" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -X -q -At "$@"
}

# A service-account key for the Google Play fake on FAKES_PORT: a fresh RSA key (the fake does not check the
# assertion it signs) and a token_uri pointing at the fake.
fake_google_account() {
  local pem
  pem="$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | awk '{printf "%s\\n", $0}')"
  cat >"$CLUSTER_DIR/google-service-account.json" <<EOF
{"type":"service_account","project_id":"relaybox-fleet","private_key_id":"fleet-1","private_key":"$pem",
 "client_email":"relaybox@relaybox-fleet.iam.gserviceaccount.com","client_id":"1",
 "token_uri":"http://127.0.0.1:$FAKES_PORT/google/token"}
EOF
}

# ---- jars ---------------------------------------------------------------------------------------------------------

jar_running() {
  local pid_file
  pid_file="$(jar_pid_file "$1")"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

jar_start() {
  local i=$1 port
  need_jar
  port="$(jar_port "$i")"
  # A process already listening there (a jar of another run, anything) would answer the readiness probe in this jar's
  # place while this one dies on its bind, and nginx would front a stranger.
  if port_in_use "$port"; then
    die "port $port (jar $i) is already in use by another process; stop it or choose another CLUSTER_PORT_BASE"
  fi
  local -a env_args=(
    "PATH=$PATH"
    "RELAYBOX_ROUTES=sales=slack;pricing=slack"
    "RELAYBOX_SLACK_WEBHOOK_URL=http://127.0.0.1:$FAKES_PORT/slack/hook"
    # The fakes stand in for Slack, so the per-node default of 1/s (Slack's own limit) would only measure the limiter.
    "RELAYBOX_SLACK_MAX_PER_SECOND=5000"
    "RELAYBOX_SLACK_BURST=5000"
    "RELAYBOX_SLACK_MAX_CONCURRENCY=64"
    # Every client of the kit (the load generator, the tests) uses the one API key; the per-key default (200/s per
    # node) would answer 429 to the load itself once two jars carry 300/s during a roll.
    "RELAYBOX_API_RATE=100000"
    "RELAYBOX_ALLOW_PRIVATE_URLS=true"
    # Behind nginx every request comes from one address, the proxy's: the per-address limits (256 connections, a
    # quarter of the in-flight limit) are for clients that reach the jar directly. Left at their defaults they closed
    # nginx's connections past 256 and refused its connects under load, nginx marked every jar failed, and answered
    # 502 "no live upstreams" for whole fail_timeouts. The proxy gets the whole node's limits instead.
    "RELAYBOX_HTTP_MAX_CONNECTIONS_PER_ADDRESS=4096"
    "RELAYBOX_HTTP_MAX_IN_FLIGHT_PER_ADDRESS=2000"
    "RELAYBOX_BACKEND_WEBHOOK_URL=http://127.0.0.1:$FAKES_PORT/backend/events"
    "RELAYBOX_BACKEND_WEBHOOK_SECRET=whsec_Y2x1c3Rlci1raXQtYmFja2VuZC1zZWNyZXQtMDEyMzQ1"
    "RELAYBOX_GOOGLE_API_ROOT_URL=http://127.0.0.1:$FAKES_PORT/google/"
    "RELAYBOX_GOOGLE_TOKEN_URL=http://127.0.0.1:$FAKES_PORT/google/token"
  )
  if [[ -f "$CLUSTER_DIR/google-service-account.json" ]]; then
    env_args+=("RELAYBOX_GOOGLE_SERVICE_ACCOUNT_FILE=$CLUSTER_DIR/google-service-account.json")
  fi
  local name
  while IFS= read -r name; do
    env_args+=("$name=${!name}")
  done < <(compgen -e | grep '^RELAYBOX_' | grep -v -e '^RELAYBOX_JAR$' || true)
  env_args+=(
    "DATABASE_URL=$(database_url)"
    "RELAYBOX_HTTP_HOST=127.0.0.1"
    "RELAYBOX_HTTP_PORT=$port"
    "RELAYBOX_NODE_ID=$(node_id "$i")"
    "RELAYBOX_API_KEYS=$CLUSTER_API_KEY"
    "RELAYBOX_ADMIN_KEYS=$CLUSTER_ADMIN_KEY"
  )
  # shellcheck disable=SC2086
  setsid env -i "${env_args[@]}" "$JAVA" $CLUSTER_JAVA_OPTS -jar "$RELAYBOX_JAR" >>"$CLUSTER_DIR/jar-$i.log" 2>&1 < /dev/null &
  echo $! >"$(jar_pid_file "$i")"
  log "jar $i ($(node_id "$i")) starting on 127.0.0.1:$port, pid $!"
}

# True when something accepts connections on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when jar i answers its readiness probe with 200 within 5 s.
jar_ready() {
  curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$(jar_port "$1")/health/ready"
}

jar_wait_ready() {
  local i=$1 deadline
  deadline=$((SECONDS + ${2:-300}))
  until jar_ready "$i"; do
    jar_running "$i" || die "jar $i exited; see $CLUSTER_DIR/jar-$i.log"
    ((SECONDS < deadline)) || die "jar $i not ready after ${2:-300}s; see $CLUSTER_DIR/jar-$i.log"
    sleep 0.2
  done
  jar_running "$i" || die "jar $i exited, yet its port answers: another process holds it; see $CLUSTER_DIR/jar-$i.log"
  log "jar $i ready"
}

# SIGTERM: the jar's graceful shutdown (readiness 503, drain, give back leases); SIGKILL only past the deadline.
jar_stop() {
  local i=$1 pid deadline
  jar_running "$i" || return 0
  pid="$(cat "$(jar_pid_file "$i")")"
  kill -TERM "$pid"
  deadline=$((SECONDS + ${2:-60}))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "jar $i did not stop within ${2:-60}s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.1
  done
  rm -f "$(jar_pid_file "$i")"
  log "jar $i stopped"
}

jar_signal() {
  local i=$1 signal=$2
  jar_running "$i" || die "jar $i is not running"
  kill "-$signal" "$(cat "$(jar_pid_file "$i")")"
  log "jar $i got SIG$signal"
}

jar_count() { cat "$CLUSTER_DIR/nodes" 2>/dev/null || echo 0; }

# ---- nginx --------------------------------------------------------------------------------------------------------

nginx_render() {
  local n=$1 upstreams="" i dir="$CLUSTER_DIR/nginx"
  mkdir -p "$dir"
  for ((i = 1; i <= n; i++)); do
    upstreams+="        server 127.0.0.1:$(jar_port "$i") max_fails=3 fail_timeout=3s;"$'\n'
  done
  local template
  template="$(cat "$DEPLOY_DIR/nginx.conf.template")"
  template="${template//@PREFIX@/$dir}"
  template="${template//@LISTEN@/127.0.0.1:$NGINX_PORT}"
  template="${template//@UPSTREAMS@/${upstreams%$'\n'}}"
  printf '%s\n' "$template" >"$dir/nginx.conf"
  # Workers run as nobody when the master is root; they write request bodies to these directories.
  mkdir -p "$dir"/{client_body,proxy,fastcgi,uwsgi,scgi}
  if [[ "$(id -u)" == 0 ]]; then chown nobody "$dir"/{client_body,proxy,fastcgi,uwsgi,scgi}; fi
}

nginx_start() {
  need_nginx
  local dir="$CLUSTER_DIR/nginx"
  "$(nginx_bin)" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" -t -q
  "$(nginx_bin)" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf"
  log "nginx on 127.0.0.1:$NGINX_PORT"
}

nginx_stop() {
  local pid_file="$CLUSTER_DIR/nginx/nginx.pid"
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    local pid
    pid="$(cat "$pid_file")"
    kill -QUIT "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
}

# ---- the whole cluster --------------------------------------------------------------------------------------------

cluster_up() {
  local n=$1 i
  ((n >= 1)) || die "up needs a node count of at least 1"
  need_postgres
  need_nginx
  need_jar
  cluster_down quiet
  rm -rf "$CLUSTER_DIR"
  mkdir -p "$CLUSTER_DIR"
  echo "$n" >"$CLUSTER_DIR/nodes"
  pg_init
  fake_google_account
  # The first jar migrates the schema alone; the others start once it is ready.
  jar_start 1
  jar_wait_ready 1
  for ((i = 2; i <= n; i++)); do jar_start "$i"; done
  for ((i = 2; i <= n; i++)); do jar_wait_ready "$i"; done
  nginx_render "$n"
  nginx_start
  log "cluster of $n up: http://127.0.0.1:$NGINX_PORT (API key $CLUSTER_API_KEY, admin key $CLUSTER_ADMIN_KEY)"
}

cluster_down() {
  local i n
  n="$(jar_count)"
  nginx_stop
  for ((i = 1; i <= n; i++)); do
    # A paused jar cannot act on SIGTERM.
    if jar_running "$i"; then kill -CONT "$(cat "$(jar_pid_file "$i")")" 2>/dev/null || true; fi
    jar_stop "$i" 40 &
  done
  wait
  pg_stop
  [[ "${1:-}" == quiet ]] || log "cluster down (state kept in $CLUSTER_DIR)"
}

# Restarts each jar in turn: SIGTERM (drain), start, wait for /health/ready, then give nginx time to take it back
# (fail_timeout) before the next one goes down.
cluster_roll() {
  local n i
  n="$(jar_count)"
  ((n >= 2)) || die "roll needs at least two jars (one must serve while the other restarts)"
  for ((i = 1; i <= n; i++)); do
    others_ready "$i"
    log "rolling jar $i"
    jar_stop "$i" 60
    jar_start "$i"
    jar_wait_ready "$i"
    sleep "${CLUSTER_ROLL_SETTLE:-3}"
  done
  log "roll done"
}

# Waits until every jar but $1 answers ready; stops the roll rather than take a jar down while another is out (paused,
# crashed, still starting), which would leave the fleet short of two.
others_ready() {
  local skip=$1 j n deadline
  n="$(jar_count)"
  deadline=$((SECONDS + ${CLUSTER_ROLL_WAIT:-120}))
  for ((j = 1; j <= n; j++)); do
    ((j == skip)) && continue
    until jar_ready "$j"; do
      ((SECONDS < deadline)) || die "roll stopped before jar $skip: jar $j is not ready (paused, down or still starting), and taking jar $skip down too would leave two out"
      sleep 0.5
    done
  done
}

cluster_status() {
  local n i
  n="$(jar_count)"
  echo "state: $CLUSTER_DIR"
  if [[ -f "$CLUSTER_DIR/pg/postmaster.pid" ]]; then echo "postgresql: 127.0.0.1:$PG_PORT up"; else echo "postgresql: down"; fi
  for ((i = 1; i <= n; i++)); do
    local ready
    # 000: no answer within 3 s (paused, or too busy to answer its readiness check).
    ready="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$(jar_port "$i")/health/ready" || true)"
    if jar_running "$i"; then
      local state
      state="$(awk '{print $3}' "/proc/$(cat "$(jar_pid_file "$i")")/stat" 2>/dev/null || true)"
      echo "jar $i: pid $(cat "$(jar_pid_file "$i")") port $(jar_port "$i") ready=$ready$([[ "$state" == T ]] && echo " (stopped: SIGSTOP)")"
    else
      echo "jar $i: down"
    fi
  done
  if [[ -f "$CLUSTER_DIR/nginx/nginx.pid" ]]; then echo "nginx: 127.0.0.1:$NGINX_PORT up"; else echo "nginx: down"; fi
}
