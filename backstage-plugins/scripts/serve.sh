#!/usr/bin/env bash
# Production-style dev app on ONE loopback port: the real backend (SQLite in memory by default) whose app
# plugin serves the built frontend. Builds nothing: run `npm run build` in backstage-plugins/ first.
#   BACKSTAGE_BACKEND_PORT  port on 127.0.0.1 (default 7007)
#   BACKSTAGE_DATABASE=postgres  use app-config.postgres.yaml (needs POSTGRES_HOST/PORT/USER/PASSWORD)
#   OTEL_EXPORTER_OTLP_ENDPOINT  e.g. http://127.0.0.1:4318: export the backend's traces there over OTLP/HTTP
# The node process replaces this script (exec), so a caller's signals reach the backend directly.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
configs=(--config "$here/app-config.yaml" --config "$here/app-config.production.yaml")
if [ "${BACKSTAGE_DATABASE:-sqlite}" = postgres ]; then
  configs+=(--config "$here/app-config.postgres.yaml")
fi
if [ ! -f "$here/packages/app/dist/index.html" ]; then
  echo "[backstage] no frontend bundle in packages/app/dist: the API works, the UI does not (run npm run build in backstage-plugins/)" >&2
fi
cd "$here/packages/backend"
# src/instrumentation.ts (loaded first) exports the backend's traces when OTEL_EXPORTER_OTLP_ENDPOINT is set.
exec node --import tsx --import ./src/instrumentation.ts src/index.ts "${configs[@]}" "$@"
