#!/usr/bin/env bash
# Tessera: stop what scripts/infra/up.sh started.
#   bash scripts/infra/down.sh           # stop the Kafka broker gracefully; keep its data
#   bash scripts/infra/down.sh --purge   # also delete .tessera/kafka (topics, offsets, cluster id)
# PostgreSQL and Redis are the machine's own services (other projects may use them), so they are
# left running.
set -euo pipefail

# shellcheck source=scripts/infra/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

purge=false
for arg in "$@"; do
  case "$arg" in
    --purge) purge=true ;;
    -h | --help)
      sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument '$arg' (usage: down.sh [--purge])" ;;
  esac
done

kafka_stop
if $purge; then
  # kafka_stop holds the lock, so no other script can start the broker while we delete its data.
  if pid="$(kafka_pid)"; then
    die "kafka: broker (pid $pid) is still running; not purging"
  fi
  rm -rf "$KAFKA_STATE_DIR"
  info "kafka: purged ${KAFKA_STATE_DIR#"$TESSERA_ROOT"/} (next up.sh formats a new cluster)"
fi
info "postgres: left running (machine service)"
info "redis: left running (machine service)"
