#!/usr/bin/env bash
# Installs everything the sandbox and the tests need, idempotently: Node 22, npm packages, the Go-built
# components (Prometheus, the collector, Jaeger) and the TypeScript build. Safe to run again; it skips what is current.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
step() { printf '[setup] %s\n' "$*"; }

node_bin="$(bash scripts/tools/install-node.sh)"
export PATH="$node_bin:$root/.tools/bin:$PATH"
# Native modules (better-sqlite3) compile against the pinned Node's headers; nothing is fetched for them.
export npm_config_nodedir="$root/.tools/node"
step "node $(node -v) from $( [ "$node_bin" = "$root/.tools/node/bin" ] && echo 'the project folder' || echo 'the machine')"

# Debian packages: Chromium drives the Backstage e2e tests, PostgreSQL is the Backstage production option,
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# docker-compose (v1, Debian) validates docker-compose.yml statically; no Docker engine runs here.
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "apt-get install ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    step "warning: ${missing[*]} not installed (needs root and apt-get); the tests that need them will skip"
  fi
fi

# npm ci when the lockfile changed since the last install.
stamp=.tools/npm-ci.stamp
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  step "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  mkdir -p .tools && echo "$lock_hash" > "$stamp"
else
  step "npm packages current"
fi

bash scripts/tools/build-go-tools.sh

step "build TypeScript packages"
npm run --silent build

# The Backstage app bundle, rebuilt when its sources are newer than the bundle.
bundle=backstage-plugins/packages/app/dist/index.html
if [ ! -f "$bundle" ] || [ -n "$(find backstage-plugins/packages/app/src backstage-plugins/plugins packages/safe-yaml/src packages/telemetry-contract/src -newer "$bundle" -type f -print -quit 2>/dev/null)" ]; then
  step "build the Backstage app"
  npm run --silent build --prefix backstage-plugins
else
  step "Backstage app bundle current"
fi
step "done"
