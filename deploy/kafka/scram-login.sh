#!/bin/sh
# A read-only subscriber's SCRAM login on the docker-compose broker (issue #20), run in the kafka
# container beside the ACLs that provision's image grants:
#   docker compose exec kafka sh /opt/tessera/scram-login.sh add my-team      # prints its password
#   docker compose run --rm provision node dist/scripts/kafka-acls.js grant-subscriber my-team
#   docker compose exec kafka sh /opt/tessera/scram-login.sh remove my-team
#   docker compose run --rm provision node dist/scripts/kafka-acls.js revoke my-team
# It reaches the broker as the broker itself, over the mutual-TLS admin listener (broker.sh writes
# its settings). The subscriber connects to 127.0.0.1:9094 with SASL_SSL, trusting the tls volume's ca.pem.
set -eu

ADMIN=/tmp/tessera/admin-client.properties
BIN=/opt/kafka/bin

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -eq 2 ] || usage
command="$1"
name="$2"
echo "$name" | grep -Eq '^[a-z0-9][a-z0-9._-]{0,63}$' || { echo "a subscriber name is lower-case letters, digits, '.', '_' and '-'" >&2; exit 2; }
case "$name" in tessera-*) echo "names starting with tessera- belong to Tessera's own principals" >&2; exit 2 ;; esac
[ -f "$ADMIN" ] || { echo "the broker has not started yet (no $ADMIN)" >&2; exit 1; }

case "$command" in
  add)
    password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    "$BIN/kafka-configs.sh" --bootstrap-server localhost:9095 --command-config "$ADMIN" --alter \
      --entity-type users --entity-name "$name" \
      --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]" >/dev/null
    printf 'KAFKA_BROKERS=127.0.0.1:9094\nKAFKA_SECURITY_PROTOCOL=sasl_ssl\nKAFKA_SASL_USERNAME=%s\nKAFKA_SASL_PASSWORD=%s\n' "$name" "$password"
    echo "# and KAFKA_SSL_CA_FILE: the CA of the tls volume (docker compose cp gateway:/etc/nginx/tls/ca.pem .)" >&2
    ;;
  remove)
    "$BIN/kafka-configs.sh" --bootstrap-server localhost:9095 --command-config "$ADMIN" --alter \
      --entity-type users --entity-name "$name" --delete-config SCRAM-SHA-512 >/dev/null
    echo "removed the SCRAM login of $name" >&2
    ;;
  *) usage ;;
esac
