#!/usr/bin/env bash
# Restarts (or upgrades) the nodes of a keepalived pair one at a time with no failed new connection:
#   rolling-restart.sh [--restart-command CMD] [--via RUNNER] [--state-dir DIR] --address VIP HOST...
# Each HOST runs a node with --health-listen 127.0.0.1:9110 --stop-delay 5s and keepalived with
# deploy/keepalived/keepalived.conf, and is reached by ssh, or by RUNNER HOST sh -c COMMAND
# (e.g. --via "ip netns exec" for hosts that are network namespaces). %h in CMD and DIR (default
# /run/fulcrum, where fulcrum-notify.sh keeps keepalived's state) stands for the host. For each host:
#   1. every other host's node must be healthy and its keepalived ready to take the addresses (not FAULT);
#   2. the node is restarted (CMD, default: systemctl restart fulcrum-data-plane, which returns once the
#      old node has stopped). On SIGTERM the node drops new SYNs instead of refusing them, so clients
#      retry and reach the peer, and 0.2 s later reports draining, so keepalived moves its addresses to
#      the peer (within tens of milliseconds while its track script waits on the node, up to 0.3 s
#      otherwise): exchanges accepted just before that end within those 0.2 s are not cut off. Then
#      it closes its listeners and drains for --shutdown-grace;
#   3. the restarted node must be healthy and its keepalived out of FAULT again (rise 2: 2 s);
#      nopreempt keeps the addresses where they are, so the next host's turn moves them once more.
# The maintenance file of keepalived.conf is for moving the addresses by hand; connections accepted
# in the instant of such a move may be cut off, which is why this script stops the node instead.
set -euo pipefail

restart="systemctl restart fulcrum-data-plane"
via=""
state_dir="/run/fulcrum"
vip=""
hosts=()
while (( $# )); do
  (( $# >= 2 )) || [[ "$1" != --* || "$1" == -h || "$1" == --help ]] || { echo "rolling-restart: $1 needs a value" >&2; exit 2; }
  case "$1" in
    --restart-command) restart="$2"; shift 2 ;;
    --via) via="$2"; shift 2 ;;
    --state-dir) state_dir="$2"; shift 2 ;;
    --address) vip="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    --*) echo "rolling-restart: unknown option $1" >&2; exit 2 ;;
    *) hosts+=("$1"); shift ;;
  esac
done
(( ${#hosts[@]} >= 2 )) || { echo "rolling-restart: name both hosts of the pair" >&2; exit 2; }
[[ -n "$vip" ]] || { echo "rolling-restart: --address VIP (one of the pair's virtual-service addresses)" >&2; exit 2; }
[[ "$vip" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || { echo "rolling-restart: --address $vip is not an IPv4 address" >&2; exit 2; }

# on HOST COMMAND: runs COMMAND (one shell line) on HOST; %h in it stands for HOST.
on() {
  local command="${2//%h/$1}"
  if [[ -n "$via" ]]; then
    $via "$1" sh -c "$command"
  else
    ssh -o BatchMode=yes "$1" "$command"
  fi
}
healthy() { on "$1" "curl --fail --silent --max-time 2 http://127.0.0.1:9110/health" >/dev/null; }
holds() { on "$1" "ip -o addr show | grep -qw 'inet ${vip}'"; }
# keepalived's last transition per instance, as fulcrum-notify.sh recorded it: none may be FAULT.
standing_by() { on "$1" "ls '$state_dir'/vrrp-*.state >/dev/null 2>&1 && ! grep -q '^FAULT' '$state_dir'/vrrp-*.state"; }
ready() { healthy "$1" && standing_by "$1"; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@"; do
    (( SECONDS < deadline )) || { echo "rolling-restart: timed out waiting for $what" >&2; exit 1; }
    sleep 0.5
  done
}

for host in "${hosts[@]}"; do
  for other in "${hosts[@]}"; do
    [[ "$other" == "$host" ]] || ready "$other" || { echo "rolling-restart: $other is not healthy or its keepalived is in FAULT; stopping" >&2; exit 1; }
  done
  if holds "$host"; then
    echo "[$host] restarting the node; it holds $vip, which moves to its peer"
  else
    echo "[$host] restarting the node"
  fi
  on "$host" "$restart"
  wait_for 120 "$host's node to be healthy" healthy "$host"
  wait_for 30 "$host's keepalived to leave FAULT" standing_by "$host"
  echo "[$host] done"
done
holders=()
for host in "${hosts[@]}"; do holds "$host" && holders+=("$host"); done
(( ${#holders[@]} == 1 )) || { echo "rolling-restart: every node restarted, but $vip is held by ${#holders[@]} hosts (${holders[*]:-none})" >&2; exit 1; }
echo "rolling-restart: every node restarted; $vip is on ${holders[0]}"
