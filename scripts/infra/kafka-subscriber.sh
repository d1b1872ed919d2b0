#!/usr/bin/env bash
# Tessera: outside subscribers of this clone's secured broker (issue #20), each its own principal.
#   bash scripts/infra/kafka-subscriber.sh add <name>      # a SCRAM login + read ACLs; prints its settings
#   bash scripts/infra/kafka-subscriber.sh remove <name>   # its login and ACLs are gone at once
#   bash scripts/infra/kafka-subscriber.sh list
# A subscriber reads tessera.tokens.issued.v1, tessera.tokens.revoked.v1 and tessera.signing-keys.v1
# and writes nothing; its consumer groups must start with "<name>." (libs/kafka kafka-principals.ts).
# Its settings are kept in .tessera/kafka/subscribers/<name>.env (mode 600):
#   eval "$(bash scripts/infra/kafka-env.sh <name>)"
set -euo pipefail

# shellcheck source=scripts/infra/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[[ "$KAFKA_SECURITY" == sasl_ssl ]] || die "the broker is plaintext (TESSERA_KAFKA_SECURITY=plaintext): it has no principals"
command="${1:-}"
if [[ "$command" == list ]]; then
  mkdir -p "$KAFKA_SUBSCRIBERS_DIR"
  find "$KAFKA_SUBSCRIBERS_DIR" -name '*.env' -printf '%f\n' | sed 's/\.env$//' | sort
  exit 0
fi
[[ $# -eq 2 && ("$command" == add || "$command" == remove) ]] || usage
name="$2"
[[ "$name" =~ ^[a-z0-9][a-z0-9._-]{0,63}$ ]] || die "a subscriber name is lower-case letters, digits, '.', '_' and '-'"
[[ "$name" != tessera-* ]] || die "names starting with tessera- belong to Tessera's own principals"
kafka_status >/dev/null || die "the broker is not running: bash scripts/infra/up.sh"
[[ -f "$TESSERA_ROOT/dist/scripts/kafka-acls.js" ]] || (cd "$TESSERA_ROOT" && npm run -s build)

admin_env="$(bash "$TESSERA_ROOT/scripts/infra/kafka-env.sh" tessera-admin)"
file="$KAFKA_SUBSCRIBERS_DIR/$name.env"
case "$command" in
  add)
    mkdir -p "$KAFKA_SUBSCRIBERS_DIR"
    password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    kafka_set_scram "$name" "$password"
    (eval "$admin_env" && node "$TESSERA_ROOT/dist/scripts/kafka-acls.js" grant-subscriber "$name")
    (
      umask 077
      printf 'KAFKA_BROKERS=%s\nKAFKA_SECURITY_PROTOCOL=sasl_ssl\nKAFKA_SASL_USERNAME=%s\nKAFKA_SASL_PASSWORD=%s\nKAFKA_SSL_CA_FILE=%s\n' \
        "$KAFKA_HOST:$KAFKA_PORT" "$name" "$password" "$TLS_DIR/ca.pem" >"$file"
    )
    info "kafka: subscriber $name added; its settings: ${file#"$TESSERA_ROOT"/}"
    ;;
  remove)
    kafka_delete_scram "$name" || true
    (eval "$admin_env" && node "$TESSERA_ROOT/dist/scripts/kafka-acls.js" revoke "$name")
    rm -f "$file"
    info "kafka: subscriber $name removed"
    ;;
esac
