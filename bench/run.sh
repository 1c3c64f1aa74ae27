#!/usr/bin/env bash
# Side-by-side benchmark on loopback: direct, HAProxy, nginx (stream) and Fulcrum, in three layouts of
# this machine's two cores, then the Fulcrum control plane. One command; prints markdown tables and
# writes them to bench/results/<UTC date>.md. Every process it starts is stopped by PID on exit.
#
# Layouts (BENCH_LAYOUTS, default "alone shared two"):
#   alone   the proxy alone on core 1 with one worker; load generators and real servers on core 0
#   shared  the proxy shares core 1 with the real servers, one worker; load generators on core 0
#   two     every proxy with two workers/threads, nothing pinned (the scaling row)
#
# Settings (environment):
#   BENCH_SECONDS  length of each measured run (default 4)      BENCH_REPS  repetitions (default 3)
#   BENCH_WARMUP   warm-up seconds per path before the measured runs (default 5; the JIT's warm-up)
#   BENCH_FIRST    seconds measured right after a start, per path (default 10), BENCH_REPS starts each
#   BENCH_IDLE     idle connections for the memory figure (default 6000: 12,000 descriptors, within what
#                  a Fulcrum node gives one virtual service under this machine's limit of 20,000)
#   FULCRUM_DATA_PLANE_JAR / FULCRUM_CONTROL_PLANE_DIR / FULCRUM_TESTBED_JAR  use other builds
#   BENCH_SKIP_APT=1  do not apt-get install (tools already present)
#   BENCH_TARGETS  which proxies to measure (default "direct haproxy nginx fulcrum")
#   BENCH_FIGURES  which figures (default "first idle rr close bulk udp udpidle"; "two" measures
#                  only rr, close and udp)
#   BENCH_CONTROL_PLANE=0  skip the control-plane figures (1,000 services, REST write -> applied)
#   BENCH_CP_WARMUP_WRITES  unmeasured REST writes before the 100 measured ones (default 50)
#   A partial run still writes a table; only a full run belongs in the README.
#   FULCRUM_NODE_EXTRA_FLAGS  more JVM flags for the node, e.g. a JFR recording:
#     "-XX:StartFlightRecording=filename=/tmp/node.jfr,settings=profile,dumponexit=true"
#   FULCRUM_NODE_EXTRA_ARGS  more node arguments, e.g. "--warm-up 2s"
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
source "$REPO_ROOT/deploy/local/java.sh"
SECONDS_PER_RUN="${BENCH_SECONDS:-4}"
REPS="${BENCH_REPS:-3}"
WARMUP="${BENCH_WARMUP:-5}"
FIRST="${BENCH_FIRST:-10}"
IDLE_CONNECTIONS="${BENCH_IDLE:-6000}"
LAYOUTS="${BENCH_LAYOUTS-alone shared two}"
TARGETS="${BENCH_TARGETS-direct haproxy nginx fulcrum}"
FIGURES="${BENCH_FIGURES-first idle rr close bulk udp udpidle}"
CONTROL_PLANE="${BENCH_CONTROL_PLANE:-1}"
CP_WARMUP_WRITES="${BENCH_CP_WARMUP_WRITES:-50}"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
WORK="$BENCH_DIR/work/$STAMP"
RESULT="$BENCH_DIR/results/$STAMP.md"
PG_PORT=15499
API_PORT=18080
GRPC_PORT=19090
API="http://127.0.0.1:$API_PORT"
# The control plane's bootstrap admin token for this run only; every API call sends it.
BENCH_TOKEN="fulcrum_bench-$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
AUTH="Authorization: Bearer $BENCH_TOKEN"
# UDP load: 64 flows each keeping 4 datagrams in flight (latency-sensitive, not bulk);
# UDP idle: one datagram at a time, 1 ms apart, so every process on the path sleeps in between.
UDP_FLOWS=64 UDP_WINDOW=4 UDP_PINGS=3000 UDP_PING_INTERVAL_US=1000

# Loopback layout: real servers on 127.0.1.x, one listen address per proxy, clients from 127.0.2.x.
RS1=127.0.1.1 RS2=127.0.1.2
declare -A LISTEN=([direct]=$RS1 [haproxy]=127.0.0.51 [nginx]=127.0.0.52 [fulcrum]=127.0.0.50)
declare -A HTTP_PORT=([direct]=8081 [haproxy]=8080 [nginx]=8080 [fulcrum]=8080)
declare -A BULK_PORT=([direct]=5201 [haproxy]=5201 [nginx]=5201 [fulcrum]=5201)
declare -A UDP_PORT=([direct]=7001 [nginx]=7000 [fulcrum]=7000)

# Per layout: the cores of the load generators, the real servers and the proxy, and the proxy's workers.
declare -A LOAD_CORES=([alone]=0 [shared]=0 [two]=0,1)
declare -A BACKEND_CORES=([alone]=0 [shared]=1 [two]=0,1)
declare -A PROXY_CORES=([alone]=1 [shared]=1 [two]=0,1)
declare -A WORKERS=([alone]=1 [shared]=1 [two]=2)
without() { local word out=(); for word in $2; do [[ "$word" == "$1" ]] || out+=("$word"); done; echo "${out[*]}"; }
# The memory figure is the same in every layout: taken once, with the proxy alone on its core.
declare -A LAYOUT_FIGURES=([alone]="$FIGURES" [shared]="$(without idle "$FIGURES")" [two]="rr close udp")

PIDS=() NAMES=()
log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

stop_pid() {
  local pid="$1" deadline
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stop_all() {
  local i
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do
    kill -0 "${PIDS[$i]}" 2>/dev/null && log "stopping ${NAMES[$i]} (pid ${PIDS[$i]})"
    stop_pid "${PIDS[$i]}"
  done
  PIDS=() NAMES=()
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME CORES COMMAND...: runs the command pinned to CORES, output to $WORK/NAME.log.
start() {
  local name="$1" cores="$2"; shift 2
  taskset -c "$cores" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!") NAMES+=("$name")
  log "started $name (pid $!) on cores $cores"
}
pid_of() { local i; for i in "${!NAMES[@]}"; do if [[ "${NAMES[$i]}" == "$1" ]]; then echo "${PIDS[$i]}"; fi; done; }
forget() { # forget NAME: stops the process and drops it from the list
  local i
  for i in "${!NAMES[@]}"; do
    if [[ "${NAMES[$i]}" == "$1" ]]; then stop_pid "${PIDS[$i]}"; unset 'PIDS[i]' 'NAMES[i]'; fi
  done
  PIDS=("${PIDS[@]}") NAMES=("${NAMES[@]}")
}

await() { # await DESCRIPTION SECONDS COMMAND...: poll until the command succeeds
  local what="$1" deadline=$((SECONDS + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || die "$what not ready within the deadline; logs in $WORK"
    sleep 0.1
  done
}
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Refuses to start next to another benchmark (or anything else) on the addresses it is about to use:
# its processes would answer this run's requests and the figures would be meaningless.
require_free() {
  local endpoint
  for endpoint in "127.0.0.1:$PG_PORT" "127.0.0.1:$API_PORT" "127.0.0.1:$GRPC_PORT" "$RS1:8081" "$RS1:5201" \
                  "${LISTEN[haproxy]}:8080" "${LISTEN[nginx]}:8080" "${LISTEN[fulcrum]}:8080"; do
    if listening "${endpoint%:*}" "${endpoint##*:}"; then
      die "$endpoint is already in use (another bench/run.sh running?); stop it first"
    fi
  done
}

install_tools() {
  [[ "${BENCH_SKIP_APT:-0}" == 1 ]] && return
  local missing=()
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v nginx >/dev/null || missing+=(nginx)
  [[ -f /usr/lib/nginx/modules/ngx_stream_module.so ]] || missing+=(libnginx-mod-stream)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v iperf3 >/dev/null || missing+=(iperf3)
  command -v gcc >/dev/null || missing+=(gcc)
  command -v python3 >/dev/null || missing+=(python3)
  if (( ${#missing[@]} )); then
    log "installing ${missing[*]}"
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null
  fi
}

build_fulcrum() {
  DP_JAR="${FULCRUM_DATA_PLANE_JAR:-$REPO_ROOT/data-plane/target/fulcrum-data-plane.jar}"
  CP_DIR="${FULCRUM_CONTROL_PLANE_DIR:-$REPO_ROOT/control-plane/target/quarkus-app}"
  TB_JAR="${FULCRUM_TESTBED_JAR:-$REPO_ROOT/testbed/target/fulcrum-testbed.jar}"
  # Built when missing, or older than a source file: the run must measure the code it is run from.
  if [[ ! -f "$DP_JAR" || ! -f "$CP_DIR/quarkus-run.jar" || ! -f "$TB_JAR" ]] ||
     [[ -z "${FULCRUM_DATA_PLANE_JAR:-}" && -n "$(find "$REPO_ROOT"/{data-plane,control-plane,testbed}/src \
        "$REPO_ROOT/proto" -newer "$DP_JAR" -type f -print -quit 2>/dev/null)" ]]; then
    log "building Fulcrum (./mvnw -B -DskipTests package)"
    (cd "$REPO_ROOT" && ./mvnw -B -DskipTests package >"$WORK/build.log" 2>&1) || die "build failed, see $WORK/build.log"
  fi
  # Private copies: a rebuild in the source tree during the run cannot change what is measured.
  # The jars find their dependencies in lib/ next to them (manifest Class-Path), so lib/ comes along.
  mkdir -p "$WORK/jars/data-plane" "$WORK/jars/testbed"
  cp "$DP_JAR" "$WORK/jars/data-plane/data-plane.jar" && cp -r "$(dirname "$DP_JAR")/lib" "$WORK/jars/data-plane/"
  cp "$TB_JAR" "$WORK/jars/testbed/testbed.jar" && cp -r "$(dirname "$TB_JAR")/lib" "$WORK/jars/testbed/"
  cp -r "$CP_DIR" "$WORK/jars/control-plane"
}

build_tools() {
  local tool
  for tool in udpecho udpload udpping idleconns; do
    gcc -O2 -o "$WORK/$tool" "$BENCH_DIR/tools/$tool.c"
  done
}

start_backends() { # start_backends CORES
  mkdir -p "$WORK/nginx-backend/logs"
  cat >"$WORK/nginx-backend/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 20000;
pid $WORK/nginx-backend/nginx.pid;
error_log $WORK/nginx-backend/logs/error.log;
events { worker_connections 19000; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  client_header_timeout 120s;
  server {
    listen $RS1:8081 reuseport;
    listen $RS2:8081 reuseport;
    location / { default_type text/plain; return 200 "ok\n"; }
  }
}
EOF
  start backend-http "$1" nginx -p "$WORK/nginx-backend" -c "$WORK/nginx-backend/nginx.conf" -g 'daemon off;'
  start backend-iperf3 "$1" iperf3 -s -B $RS1 -p 5201
  start backend-udp1 "$1" "$WORK/udpecho" $RS1 7001
  start backend-udp2 "$1" "$WORK/udpecho" $RS2 7001
  await "HTTP real servers" 10 listening $RS1 8081
  await "iperf3 server" 10 listening $RS1 5201
}
stop_backends() { forget backend-http; forget backend-iperf3; forget backend-udp1; forget backend-udp2; }

start_haproxy() { # start_haproxy CORES THREADS
  cat >"$WORK/haproxy.cfg" <<EOF
global
  nbthread $2
  maxconn 9800
defaults
  mode tcp
  timeout connect 5s
  timeout client 120s
  timeout server 120s
frontend http_in
  bind ${LISTEN[haproxy]}:8080
  default_backend http_servers
backend http_servers
  balance leastconn
  stick-table type ip size 1m expire 6m
  stick on src
  server rs1 $RS1:8081 check inter 2s rise 2 fall 3
  server rs2 $RS2:8081 check inter 2s rise 2 fall 3
frontend bulk_in
  bind ${LISTEN[haproxy]}:5201
  default_backend bulk_servers
backend bulk_servers
  server rs1 $RS1:5201
EOF
  start haproxy "$1" haproxy -db -f "$WORK/haproxy.cfg"
  await "HAProxy" 10 listening "${LISTEN[haproxy]}" 8080
}

start_nginx_proxy() { # start_nginx_proxy CORES WORKERS
  mkdir -p "$WORK/nginx-proxy/logs"
  cat >"$WORK/nginx-proxy/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes $2;
worker_rlimit_nofile 20000;
pid $WORK/nginx-proxy/nginx.pid;
error_log $WORK/nginx-proxy/logs/error.log;
events { worker_connections 19500; }
stream {
  upstream http_servers { least_conn; server $RS1:8081; server $RS2:8081; }
  upstream bulk_servers { server $RS1:5201; }
  upstream udp_servers { least_conn; server $RS1:7001; server $RS2:7001; }
  server { listen ${LISTEN[nginx]}:8080 reuseport; proxy_pass http_servers; }
  server { listen ${LISTEN[nginx]}:5201; proxy_pass bulk_servers; }
  # The same 4 MiB socket buffers Fulcrum gives its UDP service sockets.
  server { listen ${LISTEN[nginx]}:7000 udp reuseport rcvbuf=4m sndbuf=4m; proxy_pass udp_servers; proxy_timeout 10s; }
}
EOF
  start nginx-proxy "$1" nginx -p "$WORK/nginx-proxy" -c "$WORK/nginx-proxy/nginx.conf" -g 'daemon off;'
  await "nginx proxy" 10 listening "${LISTEN[nginx]}" 8080
}

start_control_plane() {
  start postgres 0 java -cp "$WORK/jars/testbed/testbed.jar" io.fulcrum.testbed.postgres.EmbeddedPostgresMain \
    --data-dir "$WORK/pgdata" --port $PG_PORT
  await "PostgreSQL" 120 grep -q "postgres ready" "$WORK/postgres.log"
  start control-plane 0 env FULCRUM_BOOTSTRAP_TOKEN="$BENCH_TOKEN" FULCRUM_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/fulcrum" \
    FULCRUM_DB_USER=postgres FULCRUM_DB_PASSWORD=postgres QUARKUS_HTTP_PORT=$API_PORT QUARKUS_GRPC_SERVER_PORT=$GRPC_PORT \
    java "@$REPO_ROOT/deploy/jvm/control-plane.options" -jar "$WORK/jars/control-plane/quarkus-run.jar"
  await "control plane" 90 curl -sf -H "$AUTH" "$API/api/v1/overview"
}

# start_node CORES THREADS: one data-plane node started as a deployment starts it (deploy/bin/fulcrum-data-plane:
# the JVM flags of deploy/jvm/data-plane.options, explained in deploy/README.md, and the build's AOT cache,
# recorded at the first start of a run's jar), sized to the cores it gets here. It serves its cached
# configuration at once when it has one (every start after the first).
start_node() {
  mkdir -p "$WORK/node-state"
  # shellcheck disable=SC2086 # FULCRUM_NODE_EXTRA_ARGS: one argument per word
  FULCRUM_JAVA=java FULCRUM_DATA_PLANE_JAR="$WORK/jars/data-plane/data-plane.jar" \
    FULCRUM_JVM_FLAGS="-XX:ActiveProcessorCount=$2 ${FULCRUM_NODE_EXTRA_FLAGS:-}" \
    start fulcrum-node "$1" "$REPO_ROOT/deploy/bin/fulcrum-data-plane" \
    --node-id bench-node --control-plane 127.0.0.1:$GRPC_PORT --state-dir "$WORK/node-state" --io-threads "$2" \
    ${FULCRUM_NODE_EXTRA_ARGS:-}
  await "data-plane node" 90 grep -q "started" "$WORK/fulcrum-node.log"
}

node_applied() { # node_applied VERSION: the node acknowledged at least VERSION
  curl -sf -H "$AUTH" "$API/api/v1/nodes" | python3 -c '
import json, sys
nodes = json.load(sys.stdin); nodes = nodes.get("items", nodes) if isinstance(nodes, dict) else nodes
sys.exit(0 if any(n.get("id") == "bench-node" and n.get("connected") and (n.get("appliedVersion") or 0) >= int(sys.argv[1]) for n in nodes) else 1)' "$1"
}

config_version() { curl -sf -H "$AUTH" "$API/api/v1/overview" | python3 -c 'import json,sys; print(json.load(sys.stdin)["configVersion"])'; }

fulcrum_services() { # the declarative document equivalent to the proxies' configurations
  python3 - "${LISTEN[fulcrum]}" "$RS1" "$RS2" <<'EOF'
import json, sys
vip, rs1, rs2 = sys.argv[1], sys.argv[2], sys.argv[3]
services = [
  {"name": "bench-http", "address": vip, "ports": [8080], "protocol": "tcp", "layer": 7,
   "algorithm": "weighted-least-connections", "persistence": {"mode": "source-ip", "timeout": "6m"},
   "healthCheck": {"type": "connect", "interval": "2s", "rise": 2, "fall": 3},
   "realServers": [{"label": "rs1", "address": rs1, "port": 8081}, {"label": "rs2", "address": rs2, "port": 8081}]},
  {"name": "bench-bulk", "address": vip, "ports": [5201], "protocol": "tcp", "layer": 7,
   "healthCheck": {"type": "none"}, "realServers": [{"label": "rs1", "address": rs1, "port": 5201}]},
  {"name": "bench-udp", "address": vip, "ports": [7000], "protocol": "udp", "layer": 4,
   "algorithm": "weighted-least-connections", "healthCheck": {"type": "none"},
   "realServers": [{"label": "rs1", "address": rs1, "port": 7001}, {"label": "rs2", "address": rs2, "port": 7001}]},
]
print(json.dumps({"virtualServices": services}))
EOF
}

# Configures Fulcrum through the REST API only.
configure_fulcrum() {
  fulcrum_services >"$WORK/fulcrum-config.json"
  curl -sf -H "$AUTH" -o /dev/null -X PUT -H 'Content-Type: application/json' --data @"$WORK/fulcrum-config.json" \
       "$API/api/v1/config?wait=10s" || die "Fulcrum refused the configuration"
  await "Fulcrum node applying the configuration" 20 node_applied "$(config_version)"
  await "Fulcrum listener" 10 listening "${LISTEN[fulcrum]}" 8080
}

# --- the proxies of one layout ---

start_proxy() { # start_proxy TARGET LAYOUT
  local cores="${PROXY_CORES[$2]}" workers="${WORKERS[$2]}"
  case "$1" in
    haproxy) start_haproxy "$cores" "$workers" ;;
    nginx) start_nginx_proxy "$cores" "$workers" ;;
    fulcrum) start_node "$cores" "$workers"; await "Fulcrum listener" 30 listening "${LISTEN[fulcrum]}" 8080 ;;
    *) ;;
  esac
}
stop_proxy() {
  case "$1" in
    haproxy) forget haproxy ;;
    nginx) forget nginx-proxy ;;
    fulcrum) forget fulcrum-node ;;
    *) ;;
  esac
}
restart_proxy() { stop_proxy "$1"; start_proxy "$1" "$2"; }

proxy_pids() { # every process of the proxy whose CPU counts (nginx: its workers, children of the master)
  case "$1" in
    haproxy) pid_of haproxy ;;
    nginx) pgrep -P "$(pid_of nginx-proxy)" ;;
    fulcrum) pid_of fulcrum-node ;;
    *) ;;
  esac
}

# --- measurements: raw outputs go to $RAW/<target>.<figure>.<rep>, summarize.py reads them ---

wrk_run() { # wrk_run TARGET CONNECTIONS SECONDS [wrk args]
  local target="$1" conns="$2" secs="$3"; shift 3
  taskset -c "$LOAD" wrk -t"${WORKERS[$LAYOUT]}" -c"$conns" -d"${secs}s" --latency "$@" \
    "http://${LISTEN[$target]}:${HTTP_PORT[$target]}/"
}
udp_run() { # udp_run TARGET SECONDS
  timeout $(($2 + 10)) taskset -c "$LOAD" "$WORK/udpload" "${LISTEN[$1]}" "${UDP_PORT[$1]}" $UDP_FLOWS $UDP_WINDOW "$2" || true
}
bulk_run() { # bulk_run TARGET STREAMS
  taskset -c "$LOAD" iperf3 -c "${LISTEN[$1]}" -p "${BULK_PORT[$1]}" -t "$((SECONDS_PER_RUN + 1))" -O 1 -P "$2" -J || true
}

wants() { [[ " $2 " == *" $1 "* ]]; } # wants WORD LIST
has_udp() { [[ -n "${UDP_PORT[$1]:-}" ]]; }

# Proxy CPU time (user + system clock ticks of every process of the proxy) around a run, so the
# tables can show CPU per unit of work.
cpu_ticks() {
  local pid total=0
  for pid in "$@"; do
    if [[ -r "/proc/$pid/stat" ]]; then total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); fi
  done
  echo "$total"
}
measured() { # measured TARGET NAME COMMAND...: output to $RAW/TARGET.NAME, proxy CPU to $RAW/TARGET.cpu-NAME
  local target="$1" name="$2" before pids; shift 2
  pids="$(proxy_pids "$target" | tr '\n' ' ')"
  # shellcheck disable=SC2086 # one PID per word
  before=$(cpu_ticks $pids)
  "$@" >"$RAW/$target.$name"
  # shellcheck disable=SC2086
  echo "ticks $(( $(cpu_ticks $pids) - before )) hz $(getconf CLK_TCK)" >"$RAW/$target.cpu-$name"
}

# The first BENCH_FIRST seconds of each path once a restarted proxy accepts, without warm-up traffic:
# what a restarted proxy gives (a Fulcrum node has run its own warm-up before it listens, --warm-up).
measure_first() { # measure_first TARGET REP
  local target="$1" rep="$2"
  restart_timed "$target" "start-rr64.$rep"
  measured "$target" "first-rr64.$rep" wrk_run "$target" 64 "$FIRST"
  restart_timed "$target" "start-close.$rep"
  measured "$target" "first-close.$rep" wrk_run "$target" 64 "$FIRST" -H 'Connection: close'
  if has_udp "$target"; then
    restart_timed "$target" "start-udp.$rep"
    measured "$target" "first-udp.$rep" udp_run "$target" "$FIRST"
  fi
}

# restart_timed TARGET NAME: restarts the proxy and writes the seconds from its start until its
# listener accepts (to 0.1 s) to $RAW/TARGET.NAME: the first seconds are counted from there, so
# this is the other half of what a restart costs (a Fulcrum node warms up before it listens).
restart_timed() {
  stop_proxy "$1"
  local began="$EPOCHREALTIME"
  start_proxy "$1" "$LAYOUT"
  awk -v began="$began" -v now="$EPOCHREALTIME" 'BEGIN { printf "seconds %.2f\n", now - began }' >"$RAW/$1.$2"
}

# One repetition of one figure on one target.
measure_once() { # measure_once TARGET FIGURE REP
  local target="$1" figure="$2" rep="$3"
  case "$figure" in
    rr)
      measured "$target" "rr64.$rep" wrk_run "$target" 64 "$SECONDS_PER_RUN"
      measured "$target" "rr256.$rep" wrk_run "$target" 256 "$SECONDS_PER_RUN" ;;
    close) measured "$target" "close.$rep" wrk_run "$target" 64 "$SECONDS_PER_RUN" -H 'Connection: close' ;;
    bulk)
      measured "$target" "bulk1.$rep" bulk_run "$target" 1
      measured "$target" "bulk4.$rep" bulk_run "$target" 4 ;;
    udp) if has_udp "$target"; then measured "$target" "udp.$rep" udp_run "$target" "$SECONDS_PER_RUN"; fi ;;
    udpidle)
      if has_udp "$target"; then
        taskset -c "$LOAD" "$WORK/udpping" "${LISTEN[$target]}" "${UDP_PORT[$target]}" $UDP_PINGS $UDP_PING_INTERVAL_US \
          >"$RAW/$target.udpidle.$rep" || true
      fi ;;
    *) ;;
  esac
}

warm_up() { # warm_up TARGET: every path about to be measured, for every target alike (Fulcrum's JIT)
  local target="$1" figures="${LAYOUT_FIGURES[$LAYOUT]}"
  wrk_run "$target" 64 "$WARMUP" >/dev/null
  if wants close "$figures"; then wrk_run "$target" 64 "$WARMUP" -H 'Connection: close' >/dev/null; fi
  if wants udp "$figures" && has_udp "$target"; then udp_run "$target" "$WARMUP" >/dev/null; fi
}

# Every target of the layout runs at once, so the repetitions interleave: each repetition of a
# figure runs on every target in turn (starting one further along each time), so a machine whose
# speed drifts (a shared VM) slows every target alike instead of whichever happened to run then.
measure_layout() {
  local figures="${LAYOUT_FIGURES[$LAYOUT]}" targets=($TARGETS) target rep figure i n
  # The proxies were just started: the memory figure is taken from fresh processes.
  if wants idle "$figures"; then
    for target in "${targets[@]}"; do [[ "$target" == direct ]] || measure_idle "$target"; done
  fi
  n=${#targets[@]}
  # One start is one sample of a drifting machine: the first seconds are measured REPS times too,
  # interleaved like the warm figures.
  if wants first "$figures"; then
    for rep in $(seq 1 "$REPS"); do
      log "$LAYOUT: the first $FIRST s after a start, $rep of $REPS"
      for (( i = 0; i < n; i++ )); do
        target="${targets[$(( (i + rep - 1) % n ))]}"
        [[ "$target" == direct ]] || measure_first "$target" "$rep"
      done
    done
  fi
  for target in "${targets[@]}"; do warm_up "$target"; done
  for rep in $(seq 1 "$REPS"); do
    log "$LAYOUT: repetition $rep of $REPS"
    for figure in rr close bulk udp udpidle; do
      wants "$figure" "$figures" || continue
      for (( i = 0; i < n; i++ )); do
        measure_once "${targets[$(( (i + rep - 1) % n ))]}" "$figure" "$rep"
      done
    done
  done
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

measure_idle() { # RSS growth of the freshly started proxy while IDLE_CONNECTIONS idle connections are open through it
  local target="$1" pid before after holder connected
  pid="$(proxy_pids "$target" | head -1)"
  [[ -n "$pid" ]] || return 0
  before=$(rss_kb "$pid")
  taskset -c "$LOAD" "$WORK/idleconns" "${LISTEN[$target]}" "${HTTP_PORT[$target]}" "$IDLE_CONNECTIONS" 6 8 \
    >"$WORK/idle-$target.out" 2>&1 &
  holder=$!
  await "idle connections through $target" 40 grep -q connected "$WORK/idle-$target.out"
  sleep 1 # let the proxy finish its upstream connects before reading RSS (the holder keeps them 8 s)
  after=$(rss_kb "$pid")
  # What the proxy really holds: connections it accepted and kept (one refused by a limit is gone).
  connected=$(ss -Htn state established src "${LISTEN[$target]}:${HTTP_PORT[$target]}" 2>/dev/null | wc -l)
  echo "before_kb $before after_kb $after connections $connected" >"$RAW/$target.idle.1"
  wait "$holder" 2>/dev/null || true
}

measure_control_plane() {
  log "control plane: 1,000 virtual services x 10 real servers"
  RAW="$WORK/raw/control-plane"; mkdir -p "$RAW"
  python3 - >"$WORK/big-config.json" <<'EOF'
import json
services = []
for i in range(1000):
    services.append({
        "name": "cp-%04d" % i, "address": "127.0.4.%d" % (1 + i // 250), "ports": [20000 + i % 250],
        "protocol": "tcp", "layer": 7, "healthCheck": {"type": "none"},
        "realServers": [{"label": "rs-%d" % j, "address": "127.0.5.%d" % (1 + j), "port": 9000 + i % 250}
                        for j in range(10)]})
print(json.dumps({"virtualServices": services}))
EOF
  local start_ns end_ns bytes cached_before i t header
  cached_before=$(cache_stamp)
  start_ns=$(date +%s%N)
  curl -sf -H "$AUTH" -o /dev/null -D "$WORK/big-config.hdr" -X PUT -H 'Content-Type: application/json' \
       --data @"$WORK/big-config.json" "$API/api/v1/config?wait=60s" || die "big configuration refused"
  await "node applying 1,000 services" 60 node_applied "$(config_version)"
  end_ns=$(date +%s%N)
  # The node writes its disk cache after the ack: wait for that write before taking the size.
  await "node caching the 1,000 services" 30 cache_rewritten "$cached_before"
  bytes=$(stat -c %s "$WORK/node-state/last-good-snapshot.pb" 2>/dev/null || echo 0)
  # Unmeasured writes first (on services the measured writes do not touch), so the figures show the
  # steady state rather than the JIT compiling the write path; their count is printed with the figures.
  for i in $(seq 1 "$CP_WARMUP_WRITES"); do
    patch_weight "cp-$(printf %04d $((i * 7 % 1000 + 1)))" "rs-$((i % 10))" 101 >/dev/null
  done
  echo "push_ms $(( (end_ns - start_ns) / 1000000 )) snapshot_bytes $bytes warmup_writes $CP_WARMUP_WRITES sync $(grep -i '^Fulcrum-Sync' "$WORK/big-config.hdr" | tr -d '\r' | cut -d' ' -f2-)" \
    >"$RAW/fulcrum.push.1"
  : >"$RAW/fulcrum.write.1"
  for i in $(seq 1 100); do
    # Every write is a real change (weights start at the default 100), so each commits a new version.
    t=$(patch_weight "cp-$(printf %04d $((i * 7 % 1000)))" "rs-$((i % 10))" $((101 + i % 2)))
    header=$(grep -i '^Fulcrum-Sync' "$WORK/write.hdr" | tr -d '\r' | cut -d' ' -f2- | tr ' ' '_')
    echo "$t ${header:-none} version=$(grep -i '^Fulcrum-Config-Version' "$WORK/write.hdr" | tr -d '\r' | cut -d' ' -f2)" \
      >>"$RAW/fulcrum.write.1"
  done
}

cache_stamp() { stat -c %.9Y "$WORK/node-state/last-good-snapshot.pb" 2>/dev/null || echo 0; }
cache_rewritten() { [[ "$(cache_stamp)" != "$1" ]]; } # cache_rewritten STAMP: the cache file changed since

patch_weight() { # patch_weight SERVICE LABEL WEIGHT: prints curl's time_total; headers in $WORK/write.hdr
  curl -s -H "$AUTH" -o /dev/null -D "$WORK/write.hdr" -w '%{time_total}' -X PATCH \
    -H 'Content-Type: application/merge-patch+json' --data "{\"weight\": $3}" \
    "$API/api/v1/virtual-services/$1/real-servers/$2?wait=5s"
}

# One layout: real servers and proxies started on its cores, every target measured, all stopped again.
run_layout() {
  LAYOUT="$1" LOAD="${LOAD_CORES[$1]}" RAW="$WORK/raw/$1"
  mkdir -p "$RAW"
  log "layout $LAYOUT: load on cores $LOAD, real servers on ${BACKEND_CORES[$1]}, proxies on ${PROXY_CORES[$1]} with ${WORKERS[$1]} worker(s)"
  start_backends "${BACKEND_CORES[$1]}"
  local target
  for target in $TARGETS; do start_proxy "$target" "$LAYOUT"; done
  measure_layout
  for target in $TARGETS; do stop_proxy "$target"; done
  stop_backends
}

main() {
  mkdir -p "$WORK/raw" "$BENCH_DIR/results"
  ulimit -n 20000 2>/dev/null || true
  (( $(nproc) >= 2 )) || die "needs at least 2 cores"
  require_free
  install_tools
  build_fulcrum
  build_tools
  start_control_plane
  if wants fulcrum "$TARGETS" || (( CONTROL_PLANE )); then
    # The first start takes the configuration from the control plane; later starts serve it from the cache.
    start_node 1 1
    configure_fulcrum
    stop_proxy fulcrum
  fi
  local layout
  for layout in $LAYOUTS; do run_layout "$layout"; done
  if (( CONTROL_PLANE )); then
    start_node 1 1
    measure_control_plane
  fi
  python3 "$BENCH_DIR/summarize.py" "$WORK/raw" "$STAMP" "$SECONDS_PER_RUN" "$REPS" "$WARMUP" "$IDLE_CONNECTIONS" \
    "$FIRST" "$JAVA_HOME" >"$RESULT"
  cat "$RESULT"
  log "written to $RESULT (raw outputs in $WORK/raw)"
}

main "$@"
