#!/usr/bin/env bash
# Side-by-side benchmark on loopback: direct, HAProxy, nginx (stream) and Fulcrum (buffered relay and
# splice relay), then the Fulcrum control plane. One command; prints one markdown table and writes it
# to bench/results/<UTC date>.md. Every process it starts is stopped by PID on exit.
#
# Settings (environment):
#   BENCH_SECONDS  length of each measured run (default 4)      BENCH_REPS  repetitions (default 3)
#   BENCH_WARMUP   warm-up seconds before each proxy (default 5; lets the JIT compile Fulcrum's hot path)
#   BENCH_IDLE     idle connections for the memory figure (default 9000)
#   FULCRUM_DATA_PLANE_JAR / FULCRUM_CONTROL_PLANE_DIR / FULCRUM_TESTBED_JAR  use other builds
#   BENCH_SKIP_APT=1  do not apt-get install (tools already present)
#   BENCH_TARGETS  which proxies to measure (default "direct haproxy nginx fulcrum fulcrum-splice")
#   BENCH_FIGURES  which data-path figures (default "rr close bulk udp idle")
#   BENCH_CONTROL_PLANE=0  skip the control-plane figures (1,000 services, REST write -> applied)
#   BENCH_CP_WARMUP_WRITES  unmeasured REST writes before the 100 measured ones (default 50)
#   A partial run still writes a table; only a full run belongs in the README.
#   FULCRUM_NODE_EXTRA_FLAGS  more JVM flags for the node, e.g. a JFR recording:
#     "-XX:StartFlightRecording=filename=/tmp/node.jfr,settings=profile,dumponexit=true"
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
SECONDS_PER_RUN="${BENCH_SECONDS:-4}"
REPS="${BENCH_REPS:-3}"
WARMUP="${BENCH_WARMUP:-5}"
IDLE_CONNECTIONS="${BENCH_IDLE:-9000}"
TARGETS="${BENCH_TARGETS-direct haproxy nginx fulcrum fulcrum-splice}"
FIGURES="${BENCH_FIGURES-rr close bulk udp idle}"
CONTROL_PLANE="${BENCH_CONTROL_PLANE:-1}"
CP_WARMUP_WRITES="${BENCH_CP_WARMUP_WRITES:-50}"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
WORK="$BENCH_DIR/work/$STAMP"
RAW="$WORK/raw"
RESULT="$BENCH_DIR/results/$STAMP.md"
LOADGEN_CORE=0
PROXY_CORE=1
PG_PORT=15499
API_PORT=18080
GRPC_PORT=19090
API="http://127.0.0.1:$API_PORT"
# The control plane's bootstrap admin token for this run only; every API call sends it.
BENCH_TOKEN="fulcrum_bench-$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
AUTH="Authorization: Bearer $BENCH_TOKEN"

# Loopback layout: real servers on 127.0.1.x, one listen address per proxy, clients from 127.0.2.x.
RS1=127.0.1.1 RS2=127.0.1.2
declare -A LISTEN=([direct]=$RS1 [haproxy]=127.0.0.51 [nginx]=127.0.0.52 [fulcrum]=127.0.0.50 [fulcrum-splice]=127.0.0.50)
declare -A HTTP_PORT=([direct]=8081 [haproxy]=8080 [nginx]=8080 [fulcrum]=8080 [fulcrum-splice]=8080)
declare -A BULK_PORT=([direct]=5201 [haproxy]=5201 [nginx]=5201 [fulcrum]=5201 [fulcrum-splice]=5201)
declare -A UDP_PORT=([direct]=7001 [nginx]=7000 [fulcrum]=7000 [fulcrum-splice]=7000)

# JVM flags for the data-plane node: the deployment's (deploy/jvm/data-plane.options, explained in
# deploy/README.md), sized to the one core it gets here.
NODE_JVM_FLAGS=("@$REPO_ROOT/deploy/jvm/data-plane.options" -XX:ActiveProcessorCount=1)

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

# start NAME CORE COMMAND...: runs the command pinned to CORE, output to $WORK/NAME.log.
start() {
  local name="$1" core="$2"; shift 2
  taskset -c "$core" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!") NAMES+=("$name")
  log "started $name (pid $!) on core $core"
}
pid_of() { local i; for i in "${!NAMES[@]}"; do if [[ "${NAMES[$i]}" == "$1" ]]; then echo "${PIDS[$i]}"; fi; done; }
forget() { local i; for i in "${!NAMES[@]}"; do if [[ "${NAMES[$i]}" == "$1" ]]; then stop_pid "${PIDS[$i]}"; fi; done; }

await() { # await DESCRIPTION SECONDS COMMAND...: poll until the command succeeds
  local what="$1" deadline=$((SECONDS + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || die "$what not ready within the deadline; logs in $WORK"
    sleep 0.2
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
  if [[ ! -f "$DP_JAR" || ! -f "$CP_DIR/quarkus-run.jar" || ! -f "$TB_JAR" ]]; then
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
  for tool in udpecho udpload idleconns; do
    gcc -O2 -o "$WORK/$tool" "$BENCH_DIR/tools/$tool.c"
  done
}

start_backends() {
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
  start backend-http $LOADGEN_CORE nginx -p "$WORK/nginx-backend" -c "$WORK/nginx-backend/nginx.conf" -g 'daemon off;'
  start backend-iperf3 $LOADGEN_CORE iperf3 -s -B $RS1 -p 5201
  start backend-udp1 $LOADGEN_CORE "$WORK/udpecho" $RS1 7001
  start backend-udp2 $LOADGEN_CORE "$WORK/udpecho" $RS2 7001
  await "HTTP real servers" 10 listening $RS1 8081
  await "iperf3 server" 10 listening $RS1 5201
}

start_haproxy() {
  cat >"$WORK/haproxy.cfg" <<EOF
global
  nbthread 1
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
  start haproxy $PROXY_CORE haproxy -db -f "$WORK/haproxy.cfg"
  await "HAProxy" 10 listening "${LISTEN[haproxy]}" 8080
}

start_nginx_proxy() {
  mkdir -p "$WORK/nginx-proxy/logs"
  cat >"$WORK/nginx-proxy/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 1;
worker_rlimit_nofile 20000;
pid $WORK/nginx-proxy/nginx.pid;
error_log $WORK/nginx-proxy/logs/error.log;
events { worker_connections 19500; }
stream {
  upstream http_servers { least_conn; server $RS1:8081; server $RS2:8081; }
  upstream bulk_servers { server $RS1:5201; }
  upstream udp_servers { least_conn; server $RS1:7001; server $RS2:7001; }
  server { listen ${LISTEN[nginx]}:8080; proxy_pass http_servers; }
  server { listen ${LISTEN[nginx]}:5201; proxy_pass bulk_servers; }
  # The same 4 MiB socket buffers Fulcrum gives its UDP service sockets.
  server { listen ${LISTEN[nginx]}:7000 udp rcvbuf=4m sndbuf=4m; proxy_pass udp_servers; proxy_timeout 10s; }
}
EOF
  start nginx-proxy $PROXY_CORE nginx -p "$WORK/nginx-proxy" -c "$WORK/nginx-proxy/nginx.conf" -g 'daemon off;'
  await "nginx proxy" 10 listening "${LISTEN[nginx]}" 8080
}

start_control_plane() {
  start postgres $LOADGEN_CORE java -cp "$WORK/jars/testbed/testbed.jar" io.fulcrum.testbed.postgres.EmbeddedPostgresMain \
    --data-dir "$WORK/pgdata" --port $PG_PORT
  await "PostgreSQL" 120 grep -q "postgres ready" "$WORK/postgres.log"
  start control-plane $LOADGEN_CORE env FULCRUM_BOOTSTRAP_TOKEN="$BENCH_TOKEN" FULCRUM_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/fulcrum" \
    FULCRUM_DB_USER=postgres FULCRUM_DB_PASSWORD=postgres QUARKUS_HTTP_PORT=$API_PORT QUARKUS_GRPC_SERVER_PORT=$GRPC_PORT \
    java "@$REPO_ROOT/deploy/jvm/control-plane.options" -jar "$WORK/jars/control-plane/quarkus-run.jar"
  await "control plane" 90 curl -sf -H "$AUTH" "$API/api/v1/overview"
}

# start_node NAME SPLICE: one data-plane node on the proxy core with one I/O thread.
start_node() {
  mkdir -p "$WORK/node-state"
  # shellcheck disable=SC2086 # extra flags are meant to split into words
  start "$1" $PROXY_CORE java "${NODE_JVM_FLAGS[@]}" ${FULCRUM_NODE_EXTRA_FLAGS:-} -Dfulcrum.splice="$2" -jar "$WORK/jars/data-plane/data-plane.jar" \
    --node-id bench-node --control-plane 127.0.0.1:$GRPC_PORT --state-dir "$WORK/node-state" --io-threads 1
  await "data-plane node" 30 grep -q "started" "$WORK/$1.log"
}

node_applied() { # node_applied VERSION: the node acknowledged at least VERSION
  curl -sf -H "$AUTH" "$API/api/v1/nodes" | python3 -c '
import json, sys
nodes = json.load(sys.stdin); nodes = nodes.get("items", nodes) if isinstance(nodes, dict) else nodes
sys.exit(0 if any(n.get("id") == "bench-node" and n.get("connected") and (n.get("appliedVersion") or 0) >= int(sys.argv[1]) for n in nodes) else 1)' "$1"
}

config_version() { curl -sf -H "$AUTH" "$API/api/v1/overview" | python3 -c 'import json,sys; print(json.load(sys.stdin)["configVersion"])'; }

fulcrum_services() { # fulcrum_services WITH_UDP: the declarative document equivalent to the proxies' configs
  python3 - "$1" "${LISTEN[fulcrum]}" "$RS1" "$RS2" <<'EOF'
import json, sys
with_udp, vip, rs1, rs2 = sys.argv[1] == "1", sys.argv[2], sys.argv[3], sys.argv[4]
services = [
  {"name": "bench-http", "address": vip, "ports": [8080], "protocol": "tcp", "layer": 7,
   "algorithm": "weighted-least-connections", "persistence": {"mode": "source-ip", "timeout": "6m"},
   "healthCheck": {"type": "connect", "interval": "2s", "rise": 2, "fall": 3},
   "realServers": [{"label": "rs1", "address": rs1, "port": 8081}, {"label": "rs2", "address": rs2, "port": 8081}]},
  {"name": "bench-bulk", "address": vip, "ports": [5201], "protocol": "tcp", "layer": 7,
   "healthCheck": {"type": "none"}, "realServers": [{"label": "rs1", "address": rs1, "port": 5201}]},
]
if with_udp:
  services.append({"name": "bench-udp", "address": vip, "ports": [7000], "protocol": "udp", "layer": 4,
   "algorithm": "weighted-least-connections", "healthCheck": {"type": "none"},
   "realServers": [{"label": "rs1", "address": rs1, "port": 7001}, {"label": "rs2", "address": rs2, "port": 7001}]})
print(json.dumps({"virtualServices": services}))
EOF
}

# Configures Fulcrum through the REST API only. UDP is tried first; a node that refuses it (not
# built yet) NACKs the whole snapshot, so then the TCP services are applied alone.
configure_fulcrum() {
  local status
  FULCRUM_UDP=0
  fulcrum_services 1 >"$WORK/fulcrum-config.json"
  status=$(curl -s -H "$AUTH" -o "$WORK/fulcrum-config.out" -D "$WORK/fulcrum-config.hdr" -w '%{http_code}' -X PUT \
           -H 'Content-Type: application/json' --data @"$WORK/fulcrum-config.json" "$API/api/v1/config?wait=10s")
  if [[ "$status" == 200 ]] && grep -qi '^Fulcrum-Sync: applied' "$WORK/fulcrum-config.hdr"; then
    FULCRUM_UDP=1
  else
    log "Fulcrum did not apply the UDP service (HTTP $status, $(grep -i '^Fulcrum-Sync' "$WORK/fulcrum-config.hdr" | tr -d '\r')); TCP only"
    fulcrum_services 0 >"$WORK/fulcrum-config.json"
    curl -sf -H "$AUTH" -o /dev/null -X PUT -H 'Content-Type: application/json' --data @"$WORK/fulcrum-config.json" \
         "$API/api/v1/config?wait=10s" || die "Fulcrum refused the TCP configuration"
  fi
  await "Fulcrum node applying the configuration" 20 node_applied "$(config_version)"
  await "Fulcrum listener" 10 listening "${LISTEN[fulcrum]}" 8080
}

# --- measurements: raw outputs go to $RAW/<target>.<figure>.<rep>, summarize.py reads them ---

wrk_run() { # wrk_run TARGET FIGURE CONNECTIONS SECONDS [wrk args]
  local target="$1" figure="$2" conns="$3" secs="$4"; shift 4
  taskset -c $LOADGEN_CORE wrk -t1 -c"$conns" -d"${secs}s" --latency "$@" \
    "http://${LISTEN[$target]}:${HTTP_PORT[$target]}/"
}

wants() { [[ " $2 " == *" $1 "* ]]; } # wants WORD LIST

# Proxy CPU time (user + system clock ticks) around a run, so the table can show CPU per request:
# what a proxy would sustain per core if the load generator's core were not the limit.
cpu_ticks() { if [[ -n "$1" && -r "/proc/$1/stat" ]]; then awk '{print $14 + $15}' "/proc/$1/stat"; else echo 0; fi; }
with_cpu() { # with_cpu PID OUTFILE COMMAND...: runs the command, writes "ticks N hz N" to OUTFILE
  local pid="$1" out="$2" before; shift 2
  before=$(cpu_ticks "$pid")
  "$@"
  echo "ticks $(( $(cpu_ticks "$pid") - before )) hz $(getconf CLK_TCK)" >"$out"
}

measure_target() {
  local target="$1" rep pid
  log "measuring $target"
  pid="$(proxy_pid "$target")"
  # Warm-up of every path about to be measured (relay, connection setup, UDP), so the JIT has
  # compiled Fulcrum's before measuring; run for every target so all are treated alike.
  wrk_run "$target" warmup 64 "$WARMUP" >/dev/null
  if wants close "$FIGURES"; then wrk_run "$target" warmup 64 "$WARMUP" -H 'Connection: close' >/dev/null; fi
  if wants udp "$FIGURES" && [[ -n "${UDP_PORT[$target]:-}" ]] && { [[ "$target" != fulcrum* ]] || (( FULCRUM_UDP )); }; then
    timeout $((WARMUP + 10)) taskset -c $LOADGEN_CORE "$WORK/udpload" "${LISTEN[$target]}" "${UDP_PORT[$target]}" \
      256 4 "$WARMUP" >/dev/null || true
  fi
  for rep in $(seq 1 "$REPS"); do
    if wants rr "$FIGURES"; then
      wrk_run "$target" rr64 64 "$SECONDS_PER_RUN" >"$RAW/$target.rr64.$rep"
      wrk_run "$target" rr256 256 "$SECONDS_PER_RUN" >"$RAW/$target.rr256.$rep"
    fi
    if wants close "$FIGURES"; then
      with_cpu "$pid" "$RAW/$target.cpuclose.$rep" \
        wrk_run "$target" close 64 "$SECONDS_PER_RUN" -H 'Connection: close' >"$RAW/$target.close.$rep"
    fi
    if wants bulk "$FIGURES"; then
      taskset -c $LOADGEN_CORE iperf3 -c "${LISTEN[$target]}" -p "${BULK_PORT[$target]}" -t "$((SECONDS_PER_RUN + 1))" \
        -O 1 -P 1 -J >"$RAW/$target.bulk1.$rep" || true
      taskset -c $LOADGEN_CORE iperf3 -c "${LISTEN[$target]}" -p "${BULK_PORT[$target]}" -t "$((SECONDS_PER_RUN + 1))" \
        -O 1 -P 4 -J >"$RAW/$target.bulk4.$rep" || true
    fi
    if wants udp "$FIGURES" && [[ -n "${UDP_PORT[$target]:-}" ]] && { [[ "$target" != fulcrum* ]] || (( FULCRUM_UDP )); }; then
      with_cpu "$pid" "$RAW/$target.cpuudp.$rep" \
        timeout $((SECONDS_PER_RUN + 10)) taskset -c $LOADGEN_CORE "$WORK/udpload" "${LISTEN[$target]}" "${UDP_PORT[$target]}" \
        256 4 "$SECONDS_PER_RUN" >"$RAW/$target.udp.$rep" || true
    fi
  done
  if wants idle "$FIGURES" && [[ -n "$pid" ]]; then measure_idle "$target" "$pid"; fi
  return 0
}

proxy_pid() {
  case "$1" in
    haproxy) pid_of haproxy ;;
    nginx) pgrep -P "$(pid_of nginx-proxy)" | head -1 ;;   # the worker, child of the master we started
    fulcrum) pid_of fulcrum-node ;;
    fulcrum-splice) pid_of fulcrum-node-splice ;;
    *) ;;
  esac
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# Live Java heap of a Fulcrum node in KB, after a full collection (so garbage does not count).
heap_kb() {
  jcmd "$1" GC.run >/dev/null 2>&1 || { echo 0; return; }
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/generation/ { for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); gsub(/[^0-9]/, "", v); sum += v } } END { print sum + 0 }'
}

measure_idle() { # RSS growth of the proxy process while IDLE_CONNECTIONS idle connections are open through it
  local target="$1" pid="$2" before after holder connected heap_before=0 heap_after=0
  # For Fulcrum also the live heap, collected first: RSS alone misses objects placed in heap pages
  # the earlier tests already touched.
  if [[ "$target" == fulcrum* ]]; then heap_before=$(heap_kb "$pid"); fi
  before=$(rss_kb "$pid")
  taskset -c $LOADGEN_CORE "$WORK/idleconns" "${LISTEN[$target]}" "${HTTP_PORT[$target]}" "$IDLE_CONNECTIONS" 6 8 \
    >"$WORK/idle-$target.out" 2>&1 &
  holder=$!
  await "idle connections through $target" 40 grep -q connected "$WORK/idle-$target.out"
  sleep 1 # let the proxy finish its upstream connects before reading RSS (the holder keeps them 8 s)
  after=$(rss_kb "$pid")
  if [[ "$target" == fulcrum* ]]; then heap_after=$(heap_kb "$pid"); fi
  connected=$(awk '/connected/ {print $2}' "$WORK/idle-$target.out")
  echo "before_kb $before after_kb $after connections $connected heap_before_kb $heap_before heap_after_kb $heap_after" \
    >"$RAW/$target.idle.1"
  wait "$holder" 2>/dev/null || true
}

measure_control_plane() {
  log "control plane: 1,000 virtual services x 10 real servers"
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

main() {
  mkdir -p "$RAW" "$BENCH_DIR/results"
  ulimit -n 20000 2>/dev/null || true
  (( $(nproc) >= 2 )) || die "needs at least 2 cores (proxy on core $PROXY_CORE, load on core $LOADGEN_CORE)"
  require_free
  install_tools
  build_fulcrum
  build_tools
  start_backends
  if wants haproxy "$TARGETS"; then start_haproxy; fi
  if wants nginx "$TARGETS"; then start_nginx_proxy; fi
  start_control_plane
  start_node fulcrum-node false
  configure_fulcrum

  local target
  for target in $TARGETS; do
    if [[ "$target" == fulcrum-splice ]]; then
      forget fulcrum-node
      start_node fulcrum-node-splice true
      await "Fulcrum node (splice) serving" 30 listening "${LISTEN[fulcrum]}" 8080
    fi
    measure_target "$target"
  done
  if (( CONTROL_PLANE )); then measure_control_plane; fi

  python3 "$BENCH_DIR/summarize.py" "$RAW" "$STAMP" "$SECONDS_PER_RUN" "$REPS" "$WARMUP" "$IDLE_CONNECTIONS" \
    "$FULCRUM_UDP" >"$RESULT"
  cat "$RESULT"
  log "written to $RESULT (raw outputs in $RAW)"
}

main "$@"
