#!/usr/bin/env bash
# Tessera: the local TLS material of the gateway (DESIGN.md §2), made with openssl on first use.
#   bash scripts/tls.sh            # create or renew .tessera/tls/*; silent when nothing changes
# Writes, under ${TESSERA_TLS_DIR:-.tessera/tls} (git-ignored):
#   ca.pem          the local CA certificate: trust it with NODE_EXTRA_CA_CERTS=.tessera/tls/ca.pem
#   ca-key.pem      its key (mode 600), kept so the server certificate can be renewed under the
#                   same CA, i.e. without every client having to trust a new one
#   server.pem      the gateway's certificate, SAN IP:127.0.0.1 and DNS:localhost, signed by the CA
#   server-key.pem  its key (mode 600)
# Idempotent: keeps what is there while it is valid for 30 more days. A missing or expiring CA
# makes a new CA and a new server certificate; an expiring server certificate alone is re-signed.
# Same algorithms and extensions as docker-compose's tls-init, so both origins look alike.
set -euo pipefail
umask 077

root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
dir="${TESSERA_TLS_DIR:-$root/.tessera/tls}"
renew_before=2592000 # 30 days, in seconds

command -v openssl >/dev/null 2>&1 || {
  printf 'error: openssl not found. Install it: apt-get install -y openssl\n' >&2
  exit 1
}

valid() { [[ -s "$1" ]] && openssl x509 -checkend "$renew_before" -noout -in "$1" >/dev/null 2>&1; }

mkdir -p "$dir"
# Two launchers (say `npm start` and `npm test`) may start at once: one writes, the other waits.
exec {lock}>>"$dir/.lock"
flock -w 60 "$lock" || {
  printf 'error: %s/.lock held for 60 s\n' "$dir" >&2
  exit 1
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

new_ca=false
if ! valid "$dir/ca.pem" || [[ ! -s "$dir/ca-key.pem" ]]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=Tessera local CA" -keyout "$work/ca-key.pem" -out "$work/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>"$work/err" || {
    cat "$work/err" >&2
    exit 1
  }
  install -m 0600 "$work/ca-key.pem" "$dir/ca-key.pem"
  install -m 0644 "$work/ca.pem" "$dir/ca.pem"
  new_ca=true
  printf 'tls: created a local CA in %s/ca.pem\n' "${dir#"$root"/}"
fi

if $new_ca || ! valid "$dir/server.pem" || [[ ! -s "$dir/server-key.pem" ]] ||
  ! openssl verify -CAfile "$dir/ca.pem" "$dir/server.pem" >/dev/null 2>&1; then
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=127.0.0.1" -keyout "$work/server-key.pem" -out "$work/server.csr" 2>"$work/err" || {
    cat "$work/err" >&2
    exit 1
  }
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$work/server.ext"
  # 397 days: the longest validity browsers accept for a server certificate.
  openssl x509 -req -in "$work/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
    -CAcreateserial -CAserial "$work/ca.srl" -days 397 -extfile "$work/server.ext" \
    -out "$work/server.pem" 2>"$work/err" || {
    cat "$work/err" >&2
    exit 1
  }
  install -m 0600 "$work/server-key.pem" "$dir/server-key.pem"
  install -m 0644 "$work/server.pem" "$dir/server.pem"
  printf 'tls: issued the gateway certificate %s/server.pem (127.0.0.1, localhost)\n' "${dir#"$root"/}"
fi
