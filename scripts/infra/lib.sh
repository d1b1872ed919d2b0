# shellcheck shell=bash
# Tessera: shared functions for scripts/infra/*.sh. Source it; do not run it.
#
# Machines without Docker (ours and CI, DESIGN.md §7) run a real single-node Kafka 3.9.2 broker in
# KRaft mode from Maven Central jars, next to the machine's own PostgreSQL and Redis.
#
# Layout:
#   infra/kafka/{pom.xml,server.properties,log4j.properties}   checked in (templates)
#   ${TESSERA_CACHE_DIR:-~/.cache/tessera}/kafka-3.9.2/libs    broker jars, shared by every clone
#   .tessera/kafka/{server.properties,cluster-id,broker.pid,data/}   broker state of this clone
#   .tessera/logs/kafka.log                                     broker stdout/stderr (kafka.log.1 = previous run)

# Numbers in messages use '.', whatever the user's locale (EPOCHREALTIME follows LC_NUMERIC).
LC_ALL=C

# ---------------------------------------------------------------------------------------------------
# Paths and constants
# ---------------------------------------------------------------------------------------------------

# The repo root comes from this file's location, so the scripts work from any cwd.
TESSERA_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)"

# Keep in sync with <kafka.version> in infra/kafka/pom.xml.
KAFKA_VERSION="3.9.2"
KAFKA_HOST="127.0.0.1"
# Overridable so a second broker (say, a clone trying a new broker setting) can run beside the
# machine's usual one: TESSERA_KAFKA_PORT=9192 TESSERA_KAFKA_CONTROLLER_PORT=9193. Clients then need
# KAFKA_BROKERS=127.0.0.1:<port>.
KAFKA_PORT="${TESSERA_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${TESSERA_KAFKA_CONTROLLER_PORT:-9093}"
# The secured broker's loopback mutual-TLS listener for these scripts (infra/kafka/security.properties).
KAFKA_ADMIN_PORT="${TESSERA_KAFKA_ADMIN_PORT:-$((KAFKA_PORT + 3))}"
[[ "$KAFKA_PORT" =~ ^[0-9]+$ && "$KAFKA_CONTROLLER_PORT" =~ ^[0-9]+$ ]] ||
  { printf 'error: TESSERA_KAFKA_PORT and TESSERA_KAFKA_CONTROLLER_PORT must be port numbers\n' >&2; exit 1; }
KAFKA_READY_TIMEOUT="${TESSERA_KAFKA_READY_TIMEOUT:-120}" # seconds
KAFKA_STOP_TIMEOUT="${TESSERA_KAFKA_STOP_TIMEOUT:-30}"    # seconds before SIGKILL

PG_HOST="127.0.0.1"
PG_PORT="5432"
PG_USER="postgres"
REDIS_HOST="127.0.0.1"
REDIS_PORT="6379"

KAFKA_TEMPLATE_DIR="$TESSERA_ROOT/infra/kafka"
KAFKA_POM="$KAFKA_TEMPLATE_DIR/pom.xml"
KAFKA_CONF_TEMPLATE="$KAFKA_TEMPLATE_DIR/server.properties"
KAFKA_LOG4J="$KAFKA_TEMPLATE_DIR/log4j.properties"

# The jar cache lives outside the repo so a fresh clone on the same machine reuses it.
TESSERA_CACHE_DIR="${TESSERA_CACHE_DIR:-$HOME/.cache/tessera}"
KAFKA_CACHE_DIR="$TESSERA_CACHE_DIR/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_CACHE_DIR/libs"
# Written only after Maven copied everything; holds the pom's checksum so editing the pom re-resolves.
KAFKA_LIBS_MARKER="$KAFKA_CACHE_DIR/libs.complete"

STATE_DIR="$TESSERA_ROOT/.tessera"
LOG_DIR="$STATE_DIR/logs"
KAFKA_STATE_DIR="$STATE_DIR/kafka"
KAFKA_DATA_DIR="$KAFKA_STATE_DIR/data"
KAFKA_CONF="$KAFKA_STATE_DIR/server.properties"
KAFKA_CLUSTER_ID_FILE="$KAFKA_STATE_DIR/cluster-id"
KAFKA_PID_FILE="$KAFKA_STATE_DIR/broker.pid"
KAFKA_LOG="$LOG_DIR/kafka.log"
# Outside .tessera/kafka so that `down.sh --purge` can delete that folder while holding the lock.
KAFKA_LOCK_FILE="$STATE_DIR/kafka.lock"

# The broker as a trust boundary (issue #20, docs/adr/0019): `sasl_ssl` (default) serves clients over
# TLS with SCRAM-SHA-512 logins and ACLs; `plaintext` is the open broker of old, for a developer who
# asks for it. Switching (or new credentials) re-formats this clone's broker: its data is test data.
KAFKA_SECURITY="${TESSERA_KAFKA_SECURITY:-sasl_ssl}"
KAFKA_SECURITY_TEMPLATE="$KAFKA_TEMPLATE_DIR/security.properties"
# name=password per principal (mode 600), made once per clone; the broker learns them at format time.
KAFKA_CREDENTIALS="$KAFKA_STATE_DIR/credentials.env"
# The security mode and credentials the data dir was formatted with.
KAFKA_SECURITY_MARKER="$KAFKA_STATE_DIR/security"
# The admin's client settings for Kafka's Java tools (ConfigCommand).
KAFKA_ADMIN_PROPERTIES="$KAFKA_STATE_DIR/admin-client.properties"
# One <name>.env per outside subscriber (scripts/infra/kafka-subscriber.sh).
KAFKA_SUBSCRIBERS_DIR="$KAFKA_STATE_DIR/subscribers"
TLS_DIR="${TESSERA_TLS_DIR:-$STATE_DIR/tls}"
# The broker's own principal, the admin (provisioning, tests) and one per service: keep the services
# in step with SERVICE_PRINCIPALS in libs/kafka/src/kafka-principals.ts (a unit test checks).
KAFKA_PRINCIPALS=(tessera-broker tessera-admin tessera-issuance tessera-revocation tessera-introspection
  tessera-account-linking tessera-audit)

# ---------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------

info() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# require_cmd <command> <how to install>: fail early with an actionable message.
require_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found. Install it: $2"
}

# Java 17 is the project's runtime for the broker (Kafka 3.9 would run on 11, but we test on 17).
require_java17() {
  require_cmd java "apt-get install -y openjdk-17-jre-headless"
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')"
  if [[ -z "$v" || "${v%%.*}" -lt 17 ]]; then
    die "Java 17 or newer is needed for the Kafka broker, found '${v:-unknown}'. Install it: apt-get install -y openjdk-17-jre-headless (and select it with update-alternatives --config java)"
  fi
}

# now: seconds since the epoch with microseconds (bash 5 builtin; no fork).
now() { printf '%s' "$EPOCHREALTIME"; }
# since <start>: elapsed seconds, one decimal.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# port_open <host> <port>: does something accept TCP connections there? (bash /dev/tcp; no nc needed)
port_open() {
  # shellcheck disable=SC2016 # $1/$2 are expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------------------------------
# PostgreSQL and Redis (machine services: we start them if they are down, but never stop them)
# ---------------------------------------------------------------------------------------------------

pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; }

pg_db_exists() {
  [[ "$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -XtAq \
    -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" == "1" ]]
}

postgres_up() {
  if ! pg_ready; then
    require_cmd pg_ctlcluster "apt-get install -y postgresql"
    local version
    # The design's `$(ls /etc/postgresql)`, made safe for a machine with more than one version.
    # shellcheck disable=SC2012 # version folder names are plain numbers
    version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$version" ]] || die "PostgreSQL is not running and no cluster exists under /etc/postgresql. Install it: apt-get install -y postgresql"
    info "postgres: not answering on $PG_HOST:$PG_PORT, starting cluster $version/main"
    # --skip-systemctl-redirect: there is no systemd on these machines.
    pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
      die "could not start PostgreSQL ($version/main); see /var/log/postgresql/"
    local i
    for ((i = 0; i < 60; i++)); do
      pg_ready && break
      sleep 0.5
    done
    pg_ready || die "PostgreSQL did not become ready on $PG_HOST:$PG_PORT within 30 s; see /var/log/postgresql/"
  fi

  # Databases: default "tessera tessera_test"; TESSERA_DB_NAMES overrides (space separated).
  local names="${TESSERA_DB_NAMES:-tessera tessera_test}" db created=()
  for db in $names; do
    # Names are interpolated into SQL, so accept plain identifiers only.
    [[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "invalid database name '$db' in TESSERA_DB_NAMES"
    if ! pg_db_exists "$db"; then
      # A concurrent up.sh may win the race to create it; that is fine if it exists afterwards.
      if psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -Xq -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE \"$db\"" >/dev/null 2>&1; then
        created+=("$db")
      else
        pg_db_exists "$db" || die "could not create database '$db' (psql -h $PG_HOST -p $PG_PORT -U $PG_USER)"
      fi
    fi
  done
  if ((${#created[@]})); then
    info "postgres: ready on $PG_HOST:$PG_PORT (databases: $names; created: ${created[*]})"
  else
    info "postgres: ready on $PG_HOST:$PG_PORT (databases: $names)"
  fi
}

redis_ready() { [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]; }

redis_up() {
  if ! redis_ready; then
    require_cmd redis-server "apt-get install -y redis-server"
    info "redis: not answering on $REDIS_HOST:$REDIS_PORT, starting redis-server"
    # No persistence: it is a dev/test cache. --daemonize returns once the server has forked.
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null ||
      die "could not start redis-server"
    local i
    for ((i = 0; i < 40; i++)); do
      redis_ready && break
      sleep 0.25
    done
    redis_ready || die "Redis did not answer PING on $REDIS_HOST:$REDIS_PORT within 10 s"
  fi
  info "redis: ready on $REDIS_HOST:$REDIS_PORT"
}

[[ "$KAFKA_SECURITY" == sasl_ssl || "$KAFKA_SECURITY" == plaintext ]] ||
  die "TESSERA_KAFKA_SECURITY must be sasl_ssl or plaintext, not '$KAFKA_SECURITY'"

# ---------------------------------------------------------------------------------------------------
# Kafka: principals and credentials (issue #20)
# ---------------------------------------------------------------------------------------------------

# kafka_credential <principal>: its password, from the credentials file.
kafka_credential() {
  [[ -f "$KAFKA_CREDENTIALS" ]] || return 1
  awk -F= -v name="$1" '$1 == name { print substr($0, length(name) + 2); found = 1; exit } END { exit !found }' \
    "$KAFKA_CREDENTIALS"
}

# Give every principal a password, once: random hex (safe in properties, JAAS and awk alike).
kafka_ensure_credentials() {
  mkdir -p "$KAFKA_STATE_DIR"
  (umask 077 && touch "$KAFKA_CREDENTIALS")
  local name
  for name in "${KAFKA_PRINCIPALS[@]}"; do
    kafka_credential "$name" >/dev/null ||
      printf '%s=%s\n' "$name" "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >>"$KAFKA_CREDENTIALS"
  done
}

# What the data dir must have been formatted with: the mode, and the credentials' checksum.
kafka_security_fingerprint() {
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    printf 'sasl_ssl %s\n' "$(sha256sum "$KAFKA_CREDENTIALS" | awk '{print $1}')"
  else
    printf 'plaintext\n'
  fi
}

# A data dir formatted for another mode (or other credentials) cannot serve this one: the broker's
# listeners and SCRAM users live in it. Stop the broker and start afresh (test data only).
kafka_reset_if_security_changed() {
  [[ -f "$KAFKA_DATA_DIR/meta.properties" ]] || return 0
  [[ "$(cat "$KAFKA_SECURITY_MARKER" 2>/dev/null)" == "$(kafka_security_fingerprint)" ]] && return 0
  info "kafka: the broker's data was formatted for other security settings; re-formatting it for $KAFKA_SECURITY"
  kafka_stop
  rm -rf "$KAFKA_DATA_DIR" "$KAFKA_SUBSCRIBERS_DIR" "$KAFKA_CLUSTER_ID_FILE"
}

# The settings of Kafka's Java tools here: the loopback mutual-TLS admin listener, with the broker's
# own certificate (a super user), so they work whatever state the SCRAM logins are in.
kafka_write_admin_properties() {
  (umask 077 && cat >"$KAFKA_ADMIN_PROPERTIES.tmp") <<PROPERTIES
bootstrap.servers=$KAFKA_HOST:$KAFKA_ADMIN_PORT
security.protocol=SSL
ssl.keystore.type=PEM
ssl.keystore.location=$TLS_DIR/kafka-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.pem
PROPERTIES
  mv "$KAFKA_ADMIN_PROPERTIES.tmp" "$KAFKA_ADMIN_PROPERTIES"
}

# kafka_config_command <args…>: Kafka's ConfigCommand against the running broker, as a super user.
kafka_config_command() {
  java -Xmx128m "$(kafka_java_log_opt)" -cp "$KAFKA_LIBS/*" kafka.admin.ConfigCommand \
    --bootstrap-server "$KAFKA_HOST:$KAFKA_ADMIN_PORT" --command-config "$KAFKA_ADMIN_PROPERTIES" "$@"
}

# Every login this clone knows (services, admin, broker, subscribers) upserted into the running broker:
# see infra/kafka/ReassertScram.java for why each start needs it.
kafka_reassert_scram() {
  local logins="$KAFKA_STATE_DIR/logins.tmp" file name
  (umask 077 && cp "$KAFKA_CREDENTIALS" "$logins")
  for file in "$KAFKA_SUBSCRIBERS_DIR"/*.env; do
    [[ -f "$file" ]] || continue
    name="$(basename "$file" .env)"
    printf '%s=%s\n' "$name" "$(sed -n 's/^KAFKA_SASL_PASSWORD=//p' "$file")" >>"$logins"
  done
  if ! java -Xmx128m "$(kafka_java_log_opt)" -cp "$KAFKA_LIBS/*" "$KAFKA_TEMPLATE_DIR/ReassertScram.java" \
    "$KAFKA_ADMIN_PROPERTIES" "$logins" >"$LOG_DIR/kafka-scram.log" 2>&1; then
    rm -f "$logins"
    tail -n 20 "$LOG_DIR/kafka-scram.log" >&2
    die "kafka: could not put the SCRAM logins back into the broker (log: $LOG_DIR/kafka-scram.log)"
  fi
  rm -f "$logins"
}

# kafka_set_scram <principal> <password>: add (or change) a SCRAM login on the running broker.
kafka_set_scram() {
  kafka_config_command --alter --entity-type users --entity-name "$1" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$2]" >/dev/null
}

# kafka_delete_scram <principal>: remove a SCRAM login from the running broker.
kafka_delete_scram() {
  kafka_config_command --alter --entity-type users --entity-name "$1" --delete-config SCRAM-SHA-512 >/dev/null
}

# ---------------------------------------------------------------------------------------------------
# Kafka: locking
# ---------------------------------------------------------------------------------------------------

# Two scripts (e.g. parallel test runners) must not start two brokers or format concurrently.
# The lock is held until the calling script exits; the broker never inherits it (see kafka_start).
KAFKA_LOCK_FD=""
kafka_lock() {
  [[ -n "$KAFKA_LOCK_FD" ]] && return 0 # already held by this script
  mkdir -p "$STATE_DIR"
  exec {KAFKA_LOCK_FD}>>"$KAFKA_LOCK_FILE"
  flock -w 300 "$KAFKA_LOCK_FD" || die "another scripts/infra command has held $KAFKA_LOCK_FILE for 5 minutes"
}

# ---------------------------------------------------------------------------------------------------
# Kafka: classpath (Maven, cached outside the repo)
# ---------------------------------------------------------------------------------------------------

kafka_pom_sum() { sha256sum "$KAFKA_POM" | awk '{print $1}'; }

kafka_libs_complete() {
  [[ -f "$KAFKA_LIBS_MARKER" && -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]] &&
    [[ "$(cat "$KAFKA_LIBS_MARKER")" == "$(kafka_pom_sum)" ]]
}

# Resolve the broker's runtime classpath with Maven into the cache, unless it is already complete.
kafka_ensure_classpath() {
  kafka_libs_complete && return 0

  require_cmd mvn "apt-get install -y maven"
  mkdir -p "$KAFKA_CACHE_DIR" "$LOG_DIR"
  # Another clone may be filling the same cache right now.
  local cache_fd
  exec {cache_fd}>>"$KAFKA_CACHE_DIR.lock"
  flock -w 600 "$cache_fd" || die "timed out waiting for $KAFKA_CACHE_DIR.lock"
  if kafka_libs_complete; then
    exec {cache_fd}>&-
    return 0
  fi

  local t0 tmp mvn_log="$LOG_DIR/kafka-maven.log"
  t0="$(now)"
  tmp="$KAFKA_CACHE_DIR/libs.tmp.$$"
  rm -rf "$tmp"
  info "kafka: resolving Kafka $KAFKA_VERSION jars with Maven into $KAFKA_LIBS (first run only)"
  if ! mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$mvn_log" 2>&1; then
    tail -n 40 "$mvn_log" >&2
    rm -rf "$tmp"
    die "Maven could not resolve the Kafka broker jars (full log: $mvn_log). Is Maven Central reachable?"
  fi
  [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing in $tmp"
  # Swap in the complete folder, then write the marker: an interrupted run never looks complete.
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  kafka_pom_sum >"$KAFKA_LIBS_MARKER"
  info "kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars cached in $(since "$t0")s"
  exec {cache_fd}>&-
}

# ---------------------------------------------------------------------------------------------------
# Kafka: broker process
# ---------------------------------------------------------------------------------------------------

# Is <pid> a live kafka.Kafka JVM running our config? (Guards against a stale pid file whose pid
# has been reused by another process.)
kafka_is_our_broker() {
  local pid="$1" i
  local -a args=()
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # mapfile splits /proc/<pid>/cmdline on NULs without forking (this runs for every pid in a scan).
  { mapfile -d '' args <"/proc/$pid/cmdline"; } 2>/dev/null || return 1
  for ((i = 0; i + 1 < ${#args[@]}; i++)); do
    [[ "${args[i]}" == kafka.Kafka && "${args[i + 1]}" == "$KAFKA_CONF" ]] && return 0
  done
  return 1
}

# Prints the pid of our broker (from the pid file, else by scanning /proc for a JVM running our
# config file, in case the pid file was lost). Returns 1 if it is not running.
kafka_pid() {
  local pid=""
  if [[ -f "$KAFKA_PID_FILE" ]]; then
    pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
    if kafka_is_our_broker "$pid"; then
      printf '%s' "$pid"
      return 0
    fi
  fi
  local p
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    if kafka_is_our_broker "$pid"; then
      printf '%s' "$pid"
      return 0
    fi
  done
  return 1
}

# Write .tessera/kafka/server.properties from the template with log.dirs pointing into the repo and
# the template's ports (127.0.0.1:9092 / :9093) replaced by KAFKA_PORT / KAFKA_CONTROLLER_PORT.
# (StorageTool `format` in 3.9.2 has no --override, so both format and the broker use this file.)
# With sasl_ssl, infra/kafka/security.properties is laid over it: its keys replace the template's.
kafka_render_config() {
  mkdir -p "$KAFKA_STATE_DIR" "$KAFKA_DATA_DIR"
  grep -q '^log\.dirs=' "$KAFKA_CONF_TEMPLATE" || die "$KAFKA_CONF_TEMPLATE has no log.dirs= line to replace"
  local -a files=("$KAFKA_CONF_TEMPLATE")
  local overridden="" password=""
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    files+=("$KAFKA_SECURITY_TEMPLATE")
    overridden=" $(sed -n 's/^\([a-z][^=]*\)=.*/\1/p' "$KAFKA_SECURITY_TEMPLATE" | tr '\n' ' ')"
    password="$(kafka_credential tessera-broker)" || die "no tessera-broker password in $KAFKA_CREDENTIALS"
  fi
  {
    printf '# GENERATED by scripts/infra/lib.sh from infra/kafka/server.properties; edit the template.\n'
    DATA_DIR="$KAFKA_DATA_DIR" PORT="$KAFKA_PORT" CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" ADMIN_PORT="$KAFKA_ADMIN_PORT" \
      OVERRIDDEN="$overridden " TLS_DIR="$TLS_DIR" BROKER_PASSWORD="$password" TEMPLATE="$KAFKA_CONF_TEMPLATE" awk '
      FILENAME == ENVIRON["TEMPLATE"] && /^[a-z]/ && index(ENVIRON["OVERRIDDEN"], " " substr($0, 1, index($0, "=") - 1) " ") { next }
      /^log\.dirs=/ { print "log.dirs=" ENVIRON["DATA_DIR"]; next }
      /^[a-z]/ {
        gsub(/127\.0\.0\.1:9092/, "127.0.0.1:" ENVIRON["PORT"]); gsub(/127\.0\.0\.1:9093/, "127.0.0.1:" ENVIRON["CONTROLLER_PORT"])
        gsub(/127\.0\.0\.1:9095/, "127.0.0.1:" ENVIRON["ADMIN_PORT"])
        gsub(/@TLS_DIR@/, ENVIRON["TLS_DIR"]); gsub(/@BROKER_PASSWORD@/, ENVIRON["BROKER_PASSWORD"])
      }
      { print }' "${files[@]}"
  } >"$KAFKA_CONF.tmp"
  (umask 077 && mv "$KAFKA_CONF.tmp" "$KAFKA_CONF")
  chmod 600 "$KAFKA_CONF"
}

kafka_java_log_opt() { printf '%s' "-Dlog4j.configuration=file:$KAFKA_LOG4J"; }

# A KRaft cluster id: 16 random bytes, base64url, no padding (22 chars), like `kafka-storage random-uuid`.
# Generated in bash to save a JVM start; a leading '-' would be parsed as an option, so avoid it.
kafka_new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* && ${#id} -eq 22 ]] && break
  done
  printf '%s' "$id"
}

# Format the data dir once; later starts reuse it (and its topics and offsets).
kafka_format_if_needed() {
  local id
  if [[ -f "$KAFKA_DATA_DIR/meta.properties" ]]; then
    # Already formatted. Keep cluster-id in step with it, in case the file was deleted.
    if [[ ! -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
      sed -n 's/^cluster\.id=//p' "$KAFKA_DATA_DIR/meta.properties" >"$KAFKA_CLUSTER_ID_FILE"
    fi
    return 0
  fi
  if [[ -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    id="$(cat "$KAFKA_CLUSTER_ID_FILE")"
  else
    id="$(kafka_new_cluster_id)"
    printf '%s\n' "$id" >"$KAFKA_CLUSTER_ID_FILE"
  fi
  local fmt_log="$LOG_DIR/kafka-format.log" name
  # The SCRAM logins go into the metadata log with the format: the broker has them from its first start.
  local -a scram=()
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    for name in "${KAFKA_PRINCIPALS[@]}"; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=$name,iterations=8192,password=$(kafka_credential "$name")]")
    done
  fi
  # Static quorum (controller.quorum.voters is set): no --standalone. -g: skip dirs already formatted.
  if ! java -Xmx256m "$(kafka_java_log_opt)" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool \
    format -t "$id" -c "$KAFKA_CONF" -g "${scram[@]}" >"$fmt_log" 2>&1; then
    cat "$fmt_log" >&2
    die "formatting the Kafka data dir $KAFKA_DATA_DIR failed"
  fi
  kafka_security_fingerprint >"$KAFKA_SECURITY_MARKER"
}

kafka_print_log_tail() {
  printf -- '----- last 40 lines of %s -----\n' "$KAFKA_LOG" >&2
  tail -n 40 "$KAFKA_LOG" >&2 2>/dev/null || true
  printf -- '-----\n' >&2
}

# Start the broker detached and wait until it is ready. No-op if it (or anything) already serves 9092.
kafka_start() {
  kafka_lock
  local pid
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    # The broker's certificate and the CA its clients check it against.
    TESSERA_TLS_DIR="$TLS_DIR" bash "$TESSERA_ROOT/scripts/tls.sh"
    kafka_ensure_credentials
    kafka_write_admin_properties
  fi
  kafka_reset_if_security_changed
  if pid="$(kafka_pid)"; then
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      info "kafka: already running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT"
      return 0
    fi
    # Ours but not listening yet (e.g. another script started it a moment ago): just wait below.
    info "kafka: broker pid $pid is starting, waiting for it"
    kafka_wait_ready "$pid" "$(now)"
    return
  fi
  rm -f "$KAFKA_PID_FILE"
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    info "kafka: something not started by these scripts is already listening on $KAFKA_HOST:$KAFKA_PORT; using it, not starting a broker"
    return 0
  fi
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]] && port_open "$KAFKA_HOST" "$KAFKA_ADMIN_PORT"; then
    die "port $KAFKA_HOST:$KAFKA_ADMIN_PORT (the broker's admin listener) is taken by another process; free it or set TESSERA_KAFKA_ADMIN_PORT"
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "port $KAFKA_HOST:$KAFKA_CONTROLLER_PORT (KRaft controller) is taken by another process; free it first"
  fi

  require_java17
  kafka_ensure_classpath
  mkdir -p "$LOG_DIR"
  kafka_render_config
  kafka_format_if_needed

  # Keep the previous run's log as kafka.log.1, so the readiness check below only sees this run.
  [[ -f "$KAFKA_LOG" ]] && mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"
  : >"$KAFKA_LOG"

  # Optional extra JVM flags, e.g. TESSERA_KAFKA_JVM_OPTS="-XX:TieredStopAtLevel=1" (space separated).
  local -a extra_jvm_opts=()
  read -r -a extra_jvm_opts <<<"${TESSERA_KAFKA_JVM_OPTS:-}"

  local t0
  t0="$(now)"
  # Detached launch:
  #  - setsid: own session and process group, so Ctrl-C / SIGHUP of the caller's terminal or the end
  #    of `npm test` does not reach the broker;
  #  - stdin from /dev/null, stdout/stderr to the log file, and every other inherited fd closed
  #    (including our lock fd): the broker must not keep the caller's pipes open, or `npm test`
  #    (which runs up.sh) would wait for EOF forever;
  #  - the inner bash writes its own pid and then execs java, so the pid file is the JVM's pid
  #    whether or not setsid had to fork.
  # shellcheck disable=SC2016 # $-expansions are meant for the inner bash
  setsid nohup bash -c '
    for fd in /proc/$$/fd/*; do
      fd="${fd##*/}"
      if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    echo $$ >"$1"
    shift
    exec "$@"
  ' tessera-kafka "$KAFKA_PID_FILE" \
    java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -Djava.awt.headless=true "$(kafka_java_log_opt)" \
    "${extra_jvm_opts[@]}" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF" \
    </dev/null >>"$KAFKA_LOG" 2>&1 &

  # Wait for the pid file (the inner bash writes it right away).
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s "$KAFKA_PID_FILE" ]] && break
    sleep 0.05
  done
  pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || die "kafka: broker process did not start (no pid file)"
  kafka_wait_ready "$pid" "$t0"
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    kafka_reassert_scram
    info "kafka: SCRAM logins in place ($(since "$t0")s since start)"
  fi
}

# kafka_wait_ready <pid> <t0>: ready = log says "Kafka Server started" AND 9092 accepts connections.
kafka_wait_ready() {
  local pid="$1" t0="$2" deadline
  deadline=$((EPOCHSECONDS + KAFKA_READY_TIMEOUT))
  while ((EPOCHSECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      kafka_print_log_tail
      rm -f "$KAFKA_PID_FILE"
      die "kafka: broker (pid $pid) exited during startup; full log: $KAFKA_LOG"
    fi
    if grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null && port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      info "kafka: ready on $KAFKA_HOST:$KAFKA_PORT (pid $pid, started in $(since "$t0")s; log: ${KAFKA_LOG#"$TESSERA_ROOT"/})"
      return 0
    fi
    sleep 0.25
  done
  kafka_print_log_tail
  die "kafka: broker (pid $pid) not ready after ${KAFKA_READY_TIMEOUT}s; it is still running, stop it with: bash scripts/infra/kafka.sh stop"
}

# Graceful stop: SIGTERM (the broker shuts down cleanly and flushes its logs), wait up to
# KAFKA_STOP_TIMEOUT seconds, then SIGKILL. A clean stop makes the next start faster (no log recovery).
kafka_stop() {
  kafka_lock
  local pid
  if ! pid="$(kafka_pid)"; then
    rm -f "$KAFKA_PID_FILE"
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      info "kafka: not started by these scripts; something else listens on $KAFKA_HOST:$KAFKA_PORT, leaving it alone"
    else
      info "kafka: not running"
    fi
    return 0
  fi
  local t0 deadline
  t0="$(now)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((EPOCHSECONDS + KAFKA_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((EPOCHSECONDS < deadline)); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "kafka: broker (pid $pid) still running after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    info "kafka: killed (pid $pid)"
  else
    info "kafka: stopped (pid $pid, in $(since "$t0")s)"
  fi
  rm -f "$KAFKA_PID_FILE"
}

# Exit status: 0 running and ready, 1 running but not serving 9092, 3 not running (LSB style).
kafka_status() {
  local pid
  if pid="$(kafka_pid)"; then
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      info "kafka: running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT; data: ${KAFKA_DATA_DIR#"$TESSERA_ROOT"/}; log: ${KAFKA_LOG#"$TESSERA_ROOT"/}"
      return 0
    fi
    info "kafka: process running (pid $pid) but $KAFKA_HOST:$KAFKA_PORT is not accepting connections (starting or stopping?)"
    return 1
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    info "kafka: not started by these scripts, but something listens on $KAFKA_HOST:$KAFKA_PORT"
    return 0
  fi
  info "kafka: not running"
  return 3
}
