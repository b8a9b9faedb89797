#!/usr/bin/env bash
# Prints docker/.env.example with every empty required value filled in with a fresh random value
# (32 hex characters from /dev/urandom). Usage, from the repository root:
#   bash docker/generate-env.sh > .env
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
random_value() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
while IFS= read -r line || [ -n "$line" ]; do
  if [[ "$line" =~ ^([A-Z][A-Z0-9_]*)=$ ]]; then
    printf '%s=%s\n' "${BASH_REMATCH[1]}" "$(random_value)"
  else
    printf '%s\n' "$line"
  fi
done < "$here/.env.example"
