#!/usr/bin/env bash
# Restarts (or upgrades) the nodes of a keepalived pair one at a time with no failed new connection:
#   rolling-restart.sh [--restart-command CMD] [--address VIP] HOST...
# Each HOST is reached by ssh and runs a node with --health-listen 127.0.0.1:9110 and keepalived with
# deploy/keepalived/keepalived.conf. For each host in turn:
#   1. every other host's node must be healthy;
#   2. /run/fulcrum/maintenance makes the host give its addresses up while its node still serves;
#   3. once the host no longer holds VIP (the peer took it, about 2 s), the node is restarted
#      (CMD, default: systemctl restart fulcrum-data-plane; it drains for --shutdown-grace);
#   4. when the node is healthy again the maintenance file goes; nopreempt keeps the addresses where
#      they are, so the next host's turn moves them once more.
set -euo pipefail

restart="systemctl restart fulcrum-data-plane"
vip=""
hosts=()
while (( $# )); do
  case "$1" in
    --restart-command) restart="$2"; shift 2 ;;
    --address) vip="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) hosts+=("$1"); shift ;;
  esac
done
(( ${#hosts[@]} >= 2 )) || { echo "rolling-restart: name both hosts of the pair" >&2; exit 2; }
[[ -n "$vip" ]] || { echo "rolling-restart: --address VIP (one of the pair's virtual-service addresses)" >&2; exit 2; }

on() { ssh -o BatchMode=yes "$1" "${@:2}"; }
healthy() { on "$1" "curl --fail --silent --max-time 2 http://127.0.0.1:9110/health" >/dev/null; }
holds() { on "$1" "ip -o addr show | grep -qw 'inet ${vip}'"; }
gave_up() { ! holds "$1"; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@"; do
    (( SECONDS < deadline )) || { echo "rolling-restart: timed out waiting for $what" >&2; exit 1; }
    sleep 0.5
  done
}

for host in "${hosts[@]}"; do
  for other in "${hosts[@]}"; do
    [[ "$other" == "$host" ]] || healthy "$other" || { echo "rolling-restart: $other is not healthy; stopping" >&2; exit 1; }
  done
  echo "[$host] giving its addresses up"
  on "$host" "mkdir -p /run/fulcrum && touch /run/fulcrum/maintenance"
  wait_for 30 "$host to give $vip up" gave_up "$host"
  echo "[$host] restarting the node"
  on "$host" "$restart"
  wait_for 120 "$host's node to be healthy" healthy "$host"
  on "$host" "rm -f /run/fulcrum/maintenance"
  echo "[$host] done"
done
echo "rolling-restart: every node restarted"
