#!/usr/bin/env bash
# Tessera: control the local single-node Kafka broker on its own.
#   bash scripts/infra/kafka.sh start     # start detached, wait until ready (no-op if running)
#   bash scripts/infra/kafka.sh stop      # SIGTERM, wait up to 30 s, then SIGKILL
#   bash scripts/infra/kafka.sh restart   # stop + start, keeping the data (tests use it under load)
#   bash scripts/infra/kafka.sh status    # exit 0 if serving 127.0.0.1:9092, 3 if not running
set -euo pipefail

# shellcheck source=scripts/infra/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[[ $# -eq 1 ]] || usage
case "$1" in
  start) kafka_start ;;
  stop) kafka_stop ;;
  restart)
    # One lock for both halves, so no other script can slip a start in between.
    kafka_lock
    kafka_stop
    kafka_start
    ;;
  status) kafka_status ;;
  -h | --help) usage ;;
  *) usage ;;
esac
