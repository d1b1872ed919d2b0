#!/usr/bin/env bash
# `npm test`: brings up what the tests need — Kafka (from Maven jars), PostgreSQL, Redis, the test
# database's schemas and the topics — builds the services, then runs the unit, integration and e2e
# tiers. Extra arguments go to vitest (e.g. `npm test -- --project unit`).
set -euo pipefail
cd "$(dirname "$0")/.."

export TESSERA_TEST_DATABASE_URL="${TESSERA_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tessera_test}"

bash scripts/infra/up.sh
echo "build: compiling the services"
npm run -s build
DATABASE_URL="$TESSERA_TEST_DATABASE_URL" node dist/scripts/provision.js
# The e2e tier calls the HTTPS gateway with unmodified SDKs, which trust the local CA only through
# NODE_EXTRA_CA_CERTS, and Node reads that once, at start: so make the CA now and export it here.
bash scripts/tls.sh
export NODE_EXTRA_CA_CERTS="$PWD/.tessera/tls/ca.pem"
exec npx vitest run "$@"
