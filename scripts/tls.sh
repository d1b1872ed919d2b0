#!/usr/bin/env bash
# Tessera: the local TLS material of the gateway (DESIGN.md §2), made with openssl on first use.
#   bash scripts/tls.sh            # create or renew .tessera/tls/*; silent when nothing changes
# Writes, under ${TESSERA_TLS_DIR:-.tessera/tls} (git-ignored):
#   ca.pem          the local CA certificate: trust it with NODE_EXTRA_CA_CERTS=.tessera/tls/ca.pem
#   ca-key.pem      its key (mode 600), kept so the server certificate can be renewed under the
#                   same CA, i.e. without every client having to trust a new one
#   server.pem      the gateway's certificate, SAN IP:127.0.0.1 and DNS:localhost, signed by the CA
#   server-key.pem  its key (mode 600)
#   kafka.pem       the Kafka broker's certificate (issue #20), CN=tessera-kafka-broker, SAN
#                   IP:127.0.0.1, DNS:localhost and DNS:kafka (docker-compose), server and client
#                   auth (the broker is the mutual-TLS client of its own controller listener)
#   kafka-keystore.pem  its PKCS#8 key followed by kafka.pem (mode 600): the broker's
#                   ssl.keystore.type=PEM file
# Idempotent: keeps what is there while it is valid for 30 more days. A missing or expiring CA
# makes a new CA and new leaf certificates; an expiring leaf certificate alone is re-signed.
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

# issue_leaf <name> <subject> <extendedKeyUsage> <subjectAltName>: a P-256 key and a certificate
# signed by the CA, as <name>.pem and <name>-key.pem, unless a valid one is already there.
issue_leaf() {
  local name="$1" subject="$2" usage="$3" san="$4"
  if ! $new_ca && valid "$dir/$name.pem" && [[ -s "$dir/$name-key.pem" ]] &&
    openssl verify -CAfile "$dir/ca.pem" "$dir/$name.pem" >/dev/null 2>&1; then
    return 1
  fi
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "$subject" -keyout "$work/$name-key.pem" -out "$work/$name.csr" 2>"$work/err" || {
    cat "$work/err" >&2
    exit 1
  }
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=$usage" "subjectAltName=$san" >"$work/$name.ext"
  # 397 days: the longest validity browsers accept for a server certificate.
  openssl x509 -req -in "$work/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
    -CAcreateserial -CAserial "$work/ca.srl" -days 397 -extfile "$work/$name.ext" \
    -out "$work/$name.pem" 2>"$work/err" || {
    cat "$work/err" >&2
    exit 1
  }
  install -m 0600 "$work/$name-key.pem" "$dir/$name-key.pem"
  install -m 0644 "$work/$name.pem" "$dir/$name.pem"
  return 0
}

if issue_leaf server "/CN=127.0.0.1" serverAuth "IP:127.0.0.1,DNS:localhost"; then
  printf 'tls: issued the gateway certificate %s/server.pem (127.0.0.1, localhost)\n' "${dir#"$root"/}"
fi

if issue_leaf kafka "/CN=tessera-kafka-broker" serverAuth,clientAuth "IP:127.0.0.1,DNS:localhost,DNS:kafka" ||
  [[ ! -s "$dir/kafka-keystore.pem" ]]; then
  # Kafka's PEM keystore: the unencrypted PKCS#8 key, then the certificate chain.
  cat "$dir/kafka-key.pem" "$dir/kafka.pem" >"$work/kafka-keystore.pem"
  install -m 0600 "$work/kafka-keystore.pem" "$dir/kafka-keystore.pem"
  printf 'tls: issued the Kafka broker certificate %s/kafka.pem (tessera-kafka-broker, 127.0.0.1)\n' "${dir#"$root"/}"
fi
