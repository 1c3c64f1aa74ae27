#!/bin/sh
# keepalived notify hook: keepalived calls it as <script> GROUP|INSTANCE <name> MASTER|BACKUP|FAULT|STOP <priority>.
# Logs one line per transition (journald/syslog), and keeps the state where operators and scripts can read it.
set -eu
kind="$1"; name="$2"; state="$3"
state_dir="${FULCRUM_HA_STATE_DIR:-/run/fulcrum}"
mkdir -p "$state_dir"
printf '%s %s\n' "$state" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$state_dir/vrrp-$name.state"
logger -t fulcrum-keepalived "$kind $name is now $state"
