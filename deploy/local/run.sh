#!/usr/bin/env bash
# Runs Fulcrum on this machine with one command: an embedded PostgreSQL (unless FULCRUM_DB_URL names one),
# the control plane, two demo real servers, one data-plane node and the RAS loopback example.
# Ctrl-C (or TERM) stops everything this script started, by the PIDs it recorded.
#
# Settings (environment):
#   FULCRUM_HOME        local state: pgdata/, nodes/<id>/, logs/, admin.token, pki/ (default ~/.fulcrum)
#   FULCRUM_DB_URL      use this PostgreSQL instead of the embedded one (+ FULCRUM_DB_USER, FULCRUM_DB_PASSWORD)
#   FULCRUM_PG_PORT     port of the embedded PostgreSQL (default 15432)
#   QUARKUS_HTTP_PORT   REST port of the control plane on 127.0.0.1, plain HTTP (default 8080)
#   QUARKUS_HTTP_SSL_PORT     the same REST API over HTTPS (default 8443)
#   QUARKUS_MANAGEMENT_PORT   health and metrics, no token (default 9000)
#   QUARKUS_GRPC_SERVER_PORT  gRPC port for nodes on 127.0.0.1 (default 9090)
#   FULCRUM_NODE_HEALTH_PORT  the node's health and metrics port on 127.0.0.1 (default 9110)
#   FULCRUM_REBUILD=1   rebuild even when the jars exist
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT"

FULCRUM_HOME="${FULCRUM_HOME:-$HOME/.fulcrum}"
PG_PORT="${FULCRUM_PG_PORT:-15432}"
HTTP_PORT="${QUARKUS_HTTP_PORT:-8080}"
GRPC_PORT="${QUARKUS_GRPC_SERVER_PORT:-9090}"
HTTPS_PORT="${QUARKUS_HTTP_SSL_PORT:-8443}"
MANAGEMENT_PORT="${QUARKUS_MANAGEMENT_PORT:-9000}"
NODE_HEALTH_PORT="${FULCRUM_NODE_HEALTH_PORT:-9110}"
PKI="$FULCRUM_HOME/pki"
NODE_ID="node-1"
LOG_DIR="$FULCRUM_HOME/logs"
API="http://127.0.0.1:$HTTP_PORT"
MANAGEMENT="http://127.0.0.1:$MANAGEMENT_PORT"

CONTROL_PLANE_JAR="control-plane/target/quarkus-app/quarkus-run.jar"
DATA_PLANE_JAR="data-plane/target/fulcrum-data-plane.jar"
TESTBED_JAR="testbed/target/fulcrum-testbed.jar"

PIDS=()
NAMES=()

log() { printf '[run] %s\n' "$*"; }
die() { printf '[run] ERROR: %s\n' "$*" >&2; exit 1; }

# Stops what we started, newest first (node before control plane before PostgreSQL), each by its PID:
# TERM, wait up to 15 s for a clean exit (the node drains, PostgreSQL checkpoints), then KILL.
stop_all() {
  local i pid name deadline
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do
    pid="${PIDS[$i]}"; name="${NAMES[$i]}"
    kill -0 "$pid" 2>/dev/null || continue
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop in 15 s; killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  PIDS=(); NAMES=()
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME LOGFILE COMMAND... runs the command in the background, its output to LOGFILE.
start() {
  local name="$1" logfile="$2"; shift 2
  "$@" >"$logfile" 2>&1 &
  PIDS+=("$!"); NAMES+=("$name")
  log "started $name (pid $!), log $logfile"
}

last_pid() { echo "${PIDS[${#PIDS[@]}-1]}"; }

# await_line NAME PID LOGFILE PATTERN SECONDS: poll the log for the pattern while the process lives.
await_line() {
  local name="$1" pid="$2" logfile="$3" pattern="$4" deadline=$((SECONDS + $5))
  until grep -q -- "$pattern" "$logfile" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { tail -n 40 "$logfile" >&2; die "$name exited; see $logfile"; }
    (( SECONDS < deadline )) || { tail -n 40 "$logfile" >&2; die "$name not ready within $5 s; see $logfile"; }
    sleep 0.2
  done
}

# True when something already accepts connections on HOST:PORT (bash's /dev/tcp; no extra tools).
port_taken() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

require_free() {
  local endpoint host port
  for endpoint in "$@"; do
    host="${endpoint%:*}"; port="${endpoint##*:}"
    if port_taken "$host" "$port"; then
      die "$endpoint is already in use (another Fulcrum, or another program): stop it first. REST, HTTPS, management, gRPC, node health and PostgreSQL ports can be moved with QUARKUS_HTTP_PORT, QUARKUS_HTTP_SSL_PORT, QUARKUS_MANAGEMENT_PORT, QUARKUS_GRPC_SERVER_PORT, FULCRUM_NODE_HEALTH_PORT, FULCRUM_PG_PORT; the example's 127.0.0.x:8443/8880 are fixed."
    fi
  done
}

# Java 25 (the node's socket calls need it): see java.sh for how it is found.
source "$REPO_ROOT/deploy/local/java.sh"
command -v curl >/dev/null || die "curl is not on PATH"
command -v openssl >/dev/null || die "openssl is not on PATH (Debian: apt-get install openssl); it makes the local certificates"

if [[ "${FULCRUM_REBUILD:-0}" == 1 || ! -f "$CONTROL_PLANE_JAR" || ! -f "$DATA_PLANE_JAR" || ! -f "$TESTBED_JAR" ]]; then
  log "building (./mvnw -B -DskipTests package)"
  ./mvnw -B -DskipTests package
fi

NEEDED=("127.0.0.1:$HTTP_PORT" "127.0.0.1:$HTTPS_PORT" "127.0.0.1:$MANAGEMENT_PORT" "127.0.0.1:$GRPC_PORT" "127.0.0.1:$NODE_HEALTH_PORT"
        127.0.0.10:8443 127.0.0.10:8880 127.0.0.21:8443 127.0.0.21:8880 127.0.0.22:8443 127.0.0.22:8880)
[[ -n "${FULCRUM_DB_URL:-}" ]] || NEEDED+=("127.0.0.1:$PG_PORT")
require_free "${NEEDED[@]}"

mkdir -p "$LOG_DIR" "$FULCRUM_HOME/pgdata" "$FULCRUM_HOME/nodes/$NODE_ID"
# The previous run's logs stay as NAME.log.1 (the one before that is dropped).
for previous in "$LOG_DIR"/*.log; do
  [[ -e "$previous" ]] && mv -f "$previous" "$previous.1"
done

# The first admin token: made once, kept in a file only this user can read, and handed to the
# control plane as its bootstrap token (it keeps only the hash).
TOKEN_FILE="$FULCRUM_HOME/admin.token"
if [[ ! -s "$TOKEN_FILE" ]]; then
  (umask 077 && printf 'fulcrum_%s\n' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" > "$TOKEN_FILE")
  log "created an admin token in $TOKEN_FILE"
fi
chmod 600 "$TOKEN_FILE"
export FULCRUM_BOOTSTRAP_TOKEN_FILE="$TOKEN_FILE"

# A small CA, the control plane's certificate (HTTPS and the gRPC port) and one per node, each made once.
bash deploy/local/pki.sh "$PKI" "$NODE_ID" | sed 's/^/[run] /'

if [[ -z "${FULCRUM_DB_URL:-}" ]]; then
  start postgres "$LOG_DIR/postgres.log" \
    java -cp "$TESTBED_JAR" io.fulcrum.testbed.postgres.EmbeddedPostgresMain \
      --data-dir "$FULCRUM_HOME/pgdata" --port "$PG_PORT"
  # The first start unpacks the binaries and runs initdb; later starts take about a second.
  await_line postgres "$(last_pid)" "$LOG_DIR/postgres.log" "postgres ready" 120
  export FULCRUM_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/fulcrum"
  export FULCRUM_DB_USER="postgres"
  export FULCRUM_DB_PASSWORD="postgres"
fi

export QUARKUS_HTTP_PORT="$HTTP_PORT" QUARKUS_GRPC_SERVER_PORT="$GRPC_PORT" QUARKUS_HTTP_SSL_PORT="$HTTPS_PORT" \
  QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT"
# Only the control plane gets its TLS settings: the node is given its own files below.
start control-plane "$LOG_DIR/control-plane.log" env FULCRUM_TLS_CERT="$PKI/control-plane.crt" \
  FULCRUM_TLS_KEY="$PKI/control-plane.key" FULCRUM_NODE_CA="$PKI/ca.crt" \
  java @deploy/jvm/control-plane.options -jar "$CONTROL_PLANE_JAR"
CONTROL_PLANE_PID="$(last_pid)"
deadline=$((SECONDS + 120))
until curl -fsS -o /dev/null "$MANAGEMENT/q/health/ready" 2>/dev/null; do
  kill -0 "$CONTROL_PLANE_PID" 2>/dev/null || { tail -n 40 "$LOG_DIR/control-plane.log" >&2; die "control plane exited; see $LOG_DIR/control-plane.log"; }
  (( SECONDS < deadline )) || die "control plane not ready within 120 s; see $LOG_DIR/control-plane.log"
  sleep 0.3
done
log "control plane ready: REST $API and https://127.0.0.1:$HTTPS_PORT, gRPC (mutual TLS) 127.0.0.1:$GRPC_PORT"

# Each demo real server answers HTTP (TCP) and UDP datagrams on both ports.
for server in "RAS_Server1 127.0.0.21" "RAS_Server2 127.0.0.22"; do
  read -r name address <<<"$server"
  start "$name" "$LOG_DIR/$name.log" \
    java -cp "$TESTBED_JAR" io.fulcrum.testbed.demo.DemoRealServer \
      --name "$name" --listen "$address:8443" --listen "$address:8880"
  await_line "$name" "$(last_pid)" "$LOG_DIR/$name.log" "listening" 30
done

# deploy/bin/fulcrum-data-plane: the deployment's JVM options and the build's AOT cache, recorded by a
# training run at the first start of a build (about 15 s, once).
start "$NODE_ID" "$LOG_DIR/$NODE_ID.log" \
  env FULCRUM_DATA_PLANE_JAR="$DATA_PLANE_JAR" deploy/bin/fulcrum-data-plane --control-plane "127.0.0.1:$GRPC_PORT" \
    --tls-ca "$PKI/ca.crt" --tls-cert "$PKI/nodes/$NODE_ID.crt" --tls-key "$PKI/nodes/$NODE_ID.key" \
    --state-dir "$FULCRUM_HOME/nodes/$NODE_ID" --health-listen "127.0.0.1:$NODE_HEALTH_PORT"
NODE_PID="$(last_pid)"
await_line "$NODE_ID" "$NODE_PID" "$LOG_DIR/$NODE_ID.log" "fulcrum data plane node $NODE_ID started" 120

# The example goes only into an empty configuration: what a user changed through the API (a drained
# server, a service of their own) survives the next start.
existing="$(curl -fsS -H "Authorization: Bearer $(cat "$TOKEN_FILE")" "$API/api/v1/virtual-services")" \
  || die "cannot list the virtual services at $API"
if [[ "$existing" =~ ^\[[[:space:]]*\]$ ]]; then
  log "loading deploy/examples/ras-loopback.json (the configuration is empty)"
  java -cp "$TESTBED_JAR" io.fulcrum.testbed.loader.ExampleLoader \
    --api "$API" --token-file "$TOKEN_FILE" --file deploy/examples/ras-loopback.json --await-node "$NODE_ID" 2>&1 \
    | tee "$LOG_DIR/example-loader.log"
else
  log "keeping the configuration in the database (the example loads only into an empty one; to start over,"
  log "delete the virtual services through the API or use a new FULCRUM_HOME)"
fi

cat <<SUMMARY

Fulcrum is running (FULCRUM_HOME=$FULCRUM_HOME).

  System Overview page    $API/ui/ (sign in with the admin token below)
  REST API + Swagger UI   $API/q/swagger-ui (plain HTTP answers loopback clients only)
  REST API over HTTPS     https://127.0.0.1:$HTTPS_PORT (curl --cacert $PKI/ca.crt ...)
  admin token             $TOKEN_FILE (send it as: -H "Authorization: Bearer \$(cat $TOKEN_FILE)")
  health and metrics      $MANAGEMENT/q/health, $MANAGEMENT/q/metrics (no token; loopback only)
  gRPC for nodes          127.0.0.1:$GRPC_PORT, mutual TLS: CA $PKI/ca.crt, node certificates in $PKI/nodes/
  PostgreSQL              ${FULCRUM_DB_URL}
  data-plane node         $NODE_ID (state in $FULCRUM_HOME/nodes/$NODE_ID)
  node health, metrics    http://127.0.0.1:$NODE_HEALTH_PORT/health, http://127.0.0.1:$NODE_HEALTH_PORT/metrics
  RAS-SG-HTTPS            127.0.0.10:8443 -> RAS_Server1 127.0.0.21, RAS_Server2 127.0.0.22 (port following)
  RAS-Web-HTTP            127.0.0.10:8880 -> RAS_Server1 127.0.0.21, RAS_Server2 127.0.0.22 (port following)
  RAS-SG-UDP              127.0.0.10:8443/udp (layer 4 SNAT) -> RAS_Server1 127.0.0.21, RAS_Server2 127.0.0.22

Logs:
$(for name in "${NAMES[@]}"; do printf '  %s\n' "$LOG_DIR/$name.log"; done)
$([[ -e "$LOG_DIR/example-loader.log" ]] && printf '  %s\n' "$LOG_DIR/example-loader.log")
  (the previous run's logs: the same names with .log.1)

Try:
  curl -s http://127.0.0.10:8880/
  curl -s --interface 127.0.0.77 http://127.0.0.10:8880/      # same client IP -> same real server
  echo hello | socat - UDP:127.0.0.10:8443                     # UDP (socat package)
  echo hello | nc -u -w1 127.0.0.10 8443                       # UDP (netcat-openbsd package)
  AUTH="Authorization: Bearer \$(cat $TOKEN_FILE)"
  curl -s -H "\$AUTH" $API/api/v1/overview | jq .               # jq (Debian package) indents the answer
  curl -s -H "\$AUTH" $API/api/v1/nodes
  curl -s --cacert $PKI/ca.crt -H "\$AUTH" https://127.0.0.1:$HTTPS_PORT/api/v1/virtual-services
  curl -s -X PATCH -H "\$AUTH" -H 'Content-Type: application/merge-patch+json' -d '{"state":"drain"}' \\
       $API/api/v1/virtual-services/RAS-Web-HTTP/real-servers/RAS_Server1

Ctrl-C stops everything.
SUMMARY

# Stay in the foreground until Ctrl-C, or until one of the processes exits on its own.
wait -n "${PIDS[@]}" || true
for i in "${!PIDS[@]}"; do
  kill -0 "${PIDS[$i]}" 2>/dev/null || log "${NAMES[$i]} exited; see $LOG_DIR/${NAMES[$i]}.log"
done
exit 1
