#!/bin/sh
# Tessera's Kafka broker in docker-compose (issue #20, docs/adr/0019): the same trust boundary as the
# broker of scripts/infra. The entrypoint of the `kafka` service (image apache/kafka); it
#   1. writes the broker's config: SASL/SCRAM-SHA-512 over TLS for clients (kafka:9092 inside the
#      compose network, 127.0.0.1:9094 for subscribers on the host), mutual TLS with the broker's own
#      certificate for the controller and the inter-broker/admin listener (kafka:9095, not published),
#      StandardAuthorizer with allow.everyone.if.no.acl.found=false;
#   2. formats the data volume on first start and starts the broker;
#   3. puts every principal's SCRAM login in place over the admin listener (so a password changed in
#      .env takes effect on the next start), then marks the broker ready for its health check.
# Certificates: the tls volume, written by tls-init (CN=tessera-kafka-broker, SAN DNS:kafka).
# The ACLs are created by `provision`, as tessera-admin.
set -eu

TLS=/etc/kafka/tls
STATE=/tmp/tessera
CONF="$STATE/server.properties"
ADMIN="$STATE/admin-client.properties"
READY="$STATE/logins-ready"
BIN=/opt/kafka/bin

die() {
  echo "kafka: $*" >&2
  exit 1
}

# principal=VARIABLE: each service logs in as its own principal with the password .env gives it.
PRINCIPALS="
tessera-admin=TESSERA_KAFKA_PASSWORD_ADMIN
tessera-issuance=TESSERA_KAFKA_PASSWORD_ISSUANCE
tessera-revocation=TESSERA_KAFKA_PASSWORD_REVOCATION
tessera-introspection=TESSERA_KAFKA_PASSWORD_INTROSPECTION
tessera-account-linking=TESSERA_KAFKA_PASSWORD_ACCOUNT_LINKING
tessera-audit=TESSERA_KAFKA_PASSWORD_AUDIT"

password_of() {
  value="$(printenv "$1" || true)"
  [ -n "$value" ] || die "$1 is not set (see .env.example)"
  # It goes into ConfigCommand's [key=value,...] syntax: letters, digits, '-' and '_' only.
  case "$value" in *[!A-Za-z0-9_-]*) die "$1 may hold only letters, digits, '-' and '_' (openssl rand -hex 24)" ;; esac
  [ "${#value}" -ge 16 ] || die "$1 is shorter than 16 characters"
  printf '%s' "$value"
}

[ -n "${CLUSTER_ID:-}" ] || die "CLUSTER_ID is not set"
[ -r "$TLS/kafka-keystore.pem" ] && [ -r "$TLS/ca.pem" ] || die "no broker certificate in $TLS (tls-init writes it)"
for entry in $PRINCIPALS; do password_of "${entry#*=}" >/dev/null; done

mkdir -p "$STATE"
umask 077
rm -f "$READY"
cat >"$CONF" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@kafka:9093
controller.listener.names=CONTROLLER
listeners=SASL_SSL://:9092,CONTROLLER://:9093,EXTERNAL://:9094,BROKER://:9095
advertised.listeners=SASL_SSL://kafka:9092,EXTERNAL://127.0.0.1:9094,BROKER://kafka:9095
listener.security.protocol.map=SASL_SSL:SASL_SSL,EXTERNAL:SASL_SSL,CONTROLLER:SSL,BROKER:SSL
inter.broker.listener.name=BROKER
# Only a certificate of the local CA gets in on these two: the broker's own (a super user).
listener.name.controller.ssl.client.auth=required
listener.name.broker.ssl.client.auth=required
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PEM
ssl.keystore.location=$TLS/kafka-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$TLS/ca.pem
ssl.endpoint.identification.algorithm=https
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:CN=tessera-kafka-broker;User:tessera-admin
log.dirs=/var/lib/kafka/data
auto.create.topics.enable=false
default.replication.factor=1
min.insync.replicas=1
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES
cat >"$ADMIN" <<PROPERTIES
security.protocol=SSL
ssl.keystore.type=PEM
ssl.keystore.location=$TLS/kafka-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$TLS/ca.pem
PROPERTIES

# -g: a volume formatted before is kept as it is.
"$BIN/kafka-storage.sh" format -t "$CLUSTER_ID" -c "$CONF" -g
"$BIN/kafka-server-start.sh" "$CONF" &
broker=$!
trap 'kill -TERM "$broker" 2>/dev/null' TERM INT

until "$BIN/kafka-broker-api-versions.sh" --bootstrap-server localhost:9095 --command-config "$ADMIN" >/dev/null 2>&1; do
  kill -0 "$broker" 2>/dev/null || die "the broker exited during start"
  sleep 2
done
for entry in $PRINCIPALS; do
  "$BIN/kafka-configs.sh" --bootstrap-server localhost:9095 --command-config "$ADMIN" --alter \
    --entity-type users --entity-name "${entry%%=*}" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$(password_of "${entry#*=}")]" >/dev/null
done
touch "$READY"
echo "kafka: SCRAM logins in place for $(echo "$PRINCIPALS" | sed 's/=.*//' | tr '\n' ' ')"

# The broker is this script's child: wait for it (again after a signal, until it has stopped).
status=0
wait "$broker" || status=$?
while kill -0 "$broker" 2>/dev/null; do wait "$broker" || status=$?; done
exit "$status"
