#!/usr/bin/env bash
# Tessera: the environment a Kafka client of this clone's broker needs, as export lines (issue #20).
#   eval "$(bash scripts/infra/kafka-env.sh tessera-admin)"     # the admin (provisioning, tests)
#   eval "$(bash scripts/infra/kafka-env.sh tessera-issuance)"  # one service's own principal
#   eval "$(bash scripts/infra/kafka-env.sh my-subscriber)"     # a subscriber added with kafka-subscriber.sh
# Prints KAFKA_BROKERS, KAFKA_SECURITY_PROTOCOL and, on a secured broker, KAFKA_SASL_USERNAME,
# KAFKA_SASL_PASSWORD and KAFKA_SSL_CA_FILE. Run it after the broker is up (scripts/infra/up.sh).
set -euo pipefail

# shellcheck source=scripts/infra/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 1 && "$1" =~ ^[a-z0-9][a-z0-9._-]{0,63}$ ]] || {
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
principal="$1"

printf 'export KAFKA_BROKERS=%q\n' "${KAFKA_BROKERS:-$KAFKA_HOST:$KAFKA_PORT}"
printf 'export KAFKA_SECURITY_PROTOCOL=%q\n' "$KAFKA_SECURITY"
[[ "$KAFKA_SECURITY" == sasl_ssl ]] || exit 0

if ! password="$(kafka_credential "$principal")"; then
  subscriber="$KAFKA_SUBSCRIBERS_DIR/$principal.env"
  [[ -f "$subscriber" ]] || die "no Kafka principal '$principal' here (services: ${KAFKA_PRINCIPALS[*]}; subscribers: bash scripts/infra/kafka-subscriber.sh list)"
  password="$(sed -n 's/^KAFKA_SASL_PASSWORD=//p' "$subscriber")"
fi
printf 'export KAFKA_SASL_USERNAME=%q\n' "$principal"
printf 'export KAFKA_SASL_PASSWORD=%q\n' "$password"
printf 'export KAFKA_SSL_CA_FILE=%q\n' "$TLS_DIR/ca.pem"
