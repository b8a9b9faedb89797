#!/usr/bin/env bash
# The test command: sets up, type-checks, then runs every unit and integration test against the real
# components (Prometheus, the collector, Jaeger) on loopback.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export PATH="$(bash scripts/tools/install-node.sh):$root/.tools/bin:$root/node_modules/.bin:$PATH"
echo "[test] typecheck"
npm run --silent typecheck
npm run --silent tsc --prefix backstage-plugins
npm run --silent check:versions --prefix backstage-plugins
echo "[test] Backstage plugins: build (Backstage CLI, from the declarations tsc wrote), API reports match the public API"
npm run --silent build:plugins --prefix backstage-plugins
npm run --silent api-reports:check --prefix backstage-plugins
tsc -p e2e/compose --noEmit
# One command per line: set -e does not stop at a failure inside an && list.
tsc -p mixin --noEmit
tsc -p scripts --noEmit
echo "[test] governance policy (OPA): check, test, coverage ≥ 90 %"
opa check --strict policies/
opa test policies/ --coverage --format=json | node policies/check-coverage.mjs 90
echo "[test] Grafana app plugin: typecheck, build, jest"
npm run --silent typecheck -w grafana-plugins/api-observatory-app
npm run --silent lint -w grafana-plugins/api-observatory-app
npm run --silent build -w grafana-plugins/api-observatory-app
npm test --silent -w grafana-plugins/api-observatory-app
echo "[test] AsyncAPI viewer (jsdom)"
npm test --silent -w @api-observatory/backstage-plugin-asyncapi-viewer
echo "[test] API governance frontend (jsdom, msw)" && npm test --silent -w @api-observatory/backstage-plugin-api-governance
echo "[test] API observability frontend (jsdom, msw)" && npm test --silent -w @api-observatory/backstage-plugin-api-observability
echo "[test] unit and integration tests"
# Tests skip only when a tool they need is missing; here setup has installed everything, so a skip is a
# failure (it would hide a part that was never exercised).
log="$root/.tools/logs/test-node.log"
# --test-timeout bounds each test file (the runner runs every file as one test): 30 minutes, because the
# fresh-app file installs and builds three Backstage apps, over 10 minutes on empty caches; the other files
# take at most about 2 and time out on their own waits long before this.
node --conditions=source --import tsx --test --test-reporter=tap --test-concurrency=1 --test-timeout=1800000 \
  'packages/*/test/**/*.test.ts' 'alerts/test/**/*.test.ts' 'dashboards/test/**/*.test.ts' 'collector/test/**/*.test.ts' 'e2e/integration/**/*.test.ts' 'e2e/compose/**/*.test.ts' \
  'backstage-plugins/plugins/api-observability*/src/**/*.test.ts' 'backstage-plugins/plugins/catalog-backend-module-api-validator/src/**/*.test.ts' 'backstage-plugins/plugins/api-governance-backend/src/**/*.test.ts' 'backstage-plugins/packages/backend/src/**/*.test.ts' 'backstage-plugins/e2e-tests/**/*.test.ts' \
  'mixin/test/**/*.test.ts' 'scripts/*.test.ts' 'grafana-plugins/api-observatory-app/scripts/**/*.test.ts' | tee "$log"
skipped="$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$log" | tail -n 1)"
if [ "${skipped:-missing}" != 0 ]; then
  echo "[test] FAILED: ${skipped:-an unknown number of} tests skipped (see '# SKIP' in $log)" >&2
  exit 1
fi
