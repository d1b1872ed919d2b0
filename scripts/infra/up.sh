#!/usr/bin/env bash
# Tessera: bring up the local infrastructure for development and tests on a machine without Docker
# (DESIGN.md §7): PostgreSQL and Redis (the machine's services; started only if down) and a
# single-node Kafka 3.9.2 broker in KRaft mode (ours; runs detached, survives this shell).
#
# Idempotent and fast when everything is already up, so `npm test` can call it every time.
#   bash scripts/infra/up.sh            # from any directory
# Env:
#   TESSERA_DB_NAMES   databases to create if missing (default "tessera tessera_test")
#   TESSERA_CACHE_DIR  where the Kafka jars are cached (default ~/.cache/tessera)
set -euo pipefail

# shellcheck source=scripts/infra/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# Check everything first, so a missing tool fails in one second, not after Kafka is half started.
require_java17
require_cmd mvn "apt-get install -y maven"
require_cmd psql "apt-get install -y postgresql-client (server: apt-get install -y postgresql)"
require_cmd pg_isready "apt-get install -y postgresql-client (server: apt-get install -y postgresql)"
require_cmd redis-cli "apt-get install -y redis-tools (server: apt-get install -y redis-server)"
require_cmd setsid "apt-get install -y util-linux"
require_cmd flock "apt-get install -y util-linux"

postgres_up
redis_up
kafka_start
