#!/usr/bin/env bash
# Runs a command with the project's Node and Go-built tools first on PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
node_bin="$(bash "$root/scripts/tools/install-node.sh")"
export PATH="$node_bin:$root/.tools/bin:$root/node_modules/.bin:$PATH"
exec "$@"
