#!/usr/bin/env bash
# The sandbox: simulator, collector, Prometheus, Jaeger, the canary gate and Backstage on loopback
# (packages/local-stack/README.md); Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh >&2
export PATH="$(bash scripts/tools/install-node.sh):$root/.tools/bin:$PATH"
exec node --conditions=source --import tsx packages/local-stack/src/cli.ts "$@"
