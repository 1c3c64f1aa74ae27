#!/usr/bin/env bash
# Makes the certificates of a local Fulcrum under DIR, each only if it is missing:
#   ca.crt, ca.key                    a small CA (10 years) that signs the others
#   control-plane.crt, .key           the control plane: REST HTTPS and the gRPC server nodes connect to
#                                     (serverAuth; localhost, 127.0.0.1 and ::1, plus HOSTS)
#   nodes/<id>.crt, .key              one per node id (clientAuth; the node id is the subject's CN)
#
# usage: pki.sh DIR [--host NAME|IP]... [NODE_ID]...
# Keys are EC P-256 in PKCS#8, readable by this user only. Certificates last 825 days; replace one by
# deleting its two files, running this again and restarting that one process (README, "Certificates").
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: pki.sh DIR [--host NAME|IP]... [NODE_ID]..." >&2; exit 2; }
DIR="$1"; shift
HOSTS=(); NODES=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --host) HOSTS+=("$2"); shift 2 ;;
    *) NODES+=("$1"); shift ;;
  esac
done

command -v openssl >/dev/null || { echo "pki.sh: openssl is not on PATH (Debian: apt-get install openssl)" >&2; exit 1; }
mkdir -p "$DIR/nodes"
chmod 700 "$DIR"
umask 077

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# sign NAME SUBJECT EXTENSIONS: a certificate for NAME.key, signed by the CA.
sign() {
  local name="$1" subject="$2" extensions="$3"
  openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr"
  openssl x509 -req -in "$name.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -CAcreateserial \
    -days 825 -sha256 -extfile <(printf '%s\n' "$extensions") -out "$name.crt" 2>/dev/null
  rm -f "$name.csr"
  chmod 644 "$name.crt"
}

if [[ ! -s "$DIR/ca.crt" || ! -s "$DIR/ca.key" ]]; then
  new_key "$DIR/ca.key"
  openssl req -x509 -new -key "$DIR/ca.key" -subj "/O=Fulcrum/CN=Fulcrum local CA" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$DIR/ca.crt"
  chmod 644 "$DIR/ca.crt"
  echo "pki.sh: created the CA $DIR/ca.crt"
fi

if [[ ! -s "$DIR/control-plane.crt" || ! -s "$DIR/control-plane.key" ]]; then
  names="DNS:localhost,IP:127.0.0.1,IP:::1"
  for host in "${HOSTS[@]}"; do
    if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then names+=",IP:$host"; else names+=",DNS:$host"; fi
  done
  new_key "$DIR/control-plane.key"
  sign "$DIR/control-plane" "/O=Fulcrum/CN=fulcrum-control-plane" \
    "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$names"
  echo "pki.sh: created $DIR/control-plane.crt"
fi

for node in "${NODES[@]}"; do
  [[ "$node" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]] || { echo "pki.sh: node id '$node' is not a name" >&2; exit 2; }
  if [[ ! -s "$DIR/nodes/$node.crt" || ! -s "$DIR/nodes/$node.key" ]]; then
    new_key "$DIR/nodes/$node.key"
    sign "$DIR/nodes/$node" "/O=Fulcrum/CN=$node" \
      "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
    echo "pki.sh: created $DIR/nodes/$node.crt"
  fi
done
