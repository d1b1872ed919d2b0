#!/usr/bin/env bash
# `npm test`: brings up what the tests need — Kafka (from Maven jars), PostgreSQL, Redis, the test
# database's schemas and the topics — builds the services, then runs the unit, integration and e2e
# tiers (e2e includes the property-based hostile-input file, on the same stack), then the logs the
# e2e services wrote (JSON, and free of tokens and secrets), then the
# reliability tier (it restarts the Kafka broker under running services, so it runs alone). Arguments replace that plan and go to vitest (e.g. `npm test -- --project unit`).
set -euo pipefail
cd "$(dirname "$0")/.."

export TESSERA_TEST_DATABASE_URL="${TESSERA_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tessera_test}"

bash scripts/infra/up.sh
# The tests' own Kafka clients log in as the admin (a super user); each service they start logs in as
# its own principal (libs/testing service-processes.ts), with only its grants (issue #20).
eval "$(bash scripts/infra/kafka-env.sh tessera-admin)"
echo "build: compiling the services"
npm run -s build
DATABASE_URL="$TESSERA_TEST_DATABASE_URL" node dist/scripts/provision.js
# The e2e tier calls the HTTPS gateway with unmodified SDKs, which trust the local CA only through
# NODE_EXTRA_CA_CERTS, and Node reads that once, at start: so make the CA now and export it here.
bash scripts/tls.sh
# The gateway's tests need nginx (test/deploy checks the rendered config with `nginx -t`); install it
# before any tier starts, not when the first e2e file happens to start the gateway.
bash scripts/gateway.sh install
export NODE_EXTRA_CA_CERTS="$PWD/.tessera/tls/ca.pem"
if [ "$#" -gt 0 ]; then
  exec npx vitest run "$@"
fi
reports=.tessera/test-results
rm -rf "$reports" && mkdir -p "$reports"
status=0
npx vitest run --project unit --project integration --project e2e \
  --reporter=default --reporter=json --outputFile.json="$reports/main.json" || status=$?
# The e2e services' logs, once they are all written: JSON, and no token, secret or password in them.
npx vitest run --project logs \
  --reporter=default --reporter=json --outputFile.json="$reports/logs.json" || status=$?
npx vitest run --project reliability \
  --reporter=default --reporter=json --outputFile.json="$reports/reliability.json" || status=$?
node scripts/test-summary.mjs "$reports"
exit "$status"
