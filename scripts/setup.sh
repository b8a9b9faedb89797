#!/usr/bin/env bash
# Installs everything the sandbox and the tests need, idempotently, and skips what is current:
#   1. Node 22 (pinned, into .tools/node: always this one, whatever Node the machine has)
#   2. Debian packages, only when missing and only as root: Chromium (browser tests), PostgreSQL (the
#      Backstage production option, tested), docker-compose (static check of docker-compose.yml), unzip
#   3. npm packages (`npm ci`, when package-lock.json changed)
#   4. the Go-built components (Prometheus, the collector, Jaeger), cached by version; Keycloak (with
#      Maven, pre-built, cached by version) and the Java 21+ runtime it needs, located or a clear error;
#      Kafka's jars from Maven Central, cached by version
#   5. the TypeScript build, then the Backstage app bundle (when its sources are newer)
# 2, 3 and 4 run side by side (network and compile overlap on two cores); 5 starts once npm is done.
# A status line is printed at least every 15 s while anything runs; each step's output is in
# .tools/logs/setup-<step>.log and its tail is printed when it fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
t0=$SECONDS
say() { printf '[setup %s] %s\n' "$(elapsed)" "$*"; }
elapsed() { printf '%dm%02ds' $(((SECONDS - t0) / 60)) $(((SECONDS - t0) % 60)); }
logs="$root/.tools/logs"
mkdir -p "$logs"

say "step 1/5: Node $(. scripts/tools/versions.env && echo "$NODE_VERSION")"
node_bin="$(bash scripts/tools/install-node.sh 2>"$logs/setup-node.log")" || { tail -n 20 "$logs/setup-node.log" >&2; exit 1; }
export PATH="$node_bin:$root/.tools/bin:$PATH"
# Native modules (better-sqlite3) compile against the pinned Node's headers; nothing is fetched for them.
export npm_config_nodedir="$root/.tools/node"

# Background steps: name -> pid, and a short status read from each log for the progress line.
declare -A pids=() labels=()
start_step() { # start_step NAME LABEL CMD...
  local name="$1" label="$2"
  shift 2
  "$@" >"$logs/setup-$name.log" 2>&1 &
  pids[$name]=$!
  labels[$name]="$label"
  say "$label: started"
}
status_of() { # the last progress-like line of a step's log, shortened
  tail -n 1 "$logs/setup-$1.log" 2>/dev/null | tr -s ' ' | cut -c1-70
}
# wait_steps NAME...: waits for the named steps, printing a status line of every running step every 15 s;
# fails on the first named step that fails, with the tail of its log.
wait_steps() {
  local next=$((SECONDS + 15)) name rc running
  while :; do
    running=()
    for name in "$@"; do
      [ -n "${pids[$name]:-}" ] || continue
      if kill -0 "${pids[$name]}" 2>/dev/null; then
        running+=("$name")
      else
        rc=0
        wait "${pids[$name]}" || rc=$?
        unset "pids[$name]"
        if [ "$rc" != 0 ]; then
          say "${labels[$name]}: FAILED (exit $rc); last lines of .tools/logs/setup-$name.log:" >&2
          tail -n 25 "$logs/setup-$name.log" | sed 's/^/  | /' >&2
          exit 1
        fi
        say "${labels[$name]}: done"
      fi
    done
    [ ${#running[@]} -gt 0 ] || return 0
    if [ "$SECONDS" -ge "$next" ]; then
      # Every step still running, not only those waited for (the Go builds run while npm installs).
      local line="" other
      for other in "${!pids[@]}"; do
        kill -0 "${pids[$other]}" 2>/dev/null && line+="${line:+; }${labels[$other]}: $(status_of "$other")"
      done
      say "running: $line"
      next=$((SECONDS + 15))
    fi
    sleep 1
  done
}

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
# unzip checks the Grafana app archive as Grafana's installer reads it.
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    start_step apt "step 2/5: apt-get install ${missing[*]} (as root)" \
      bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"' apt "${missing[@]}"
  else
    say "step 2/5: warning: ${missing[*]} not installed (needs root and apt-get); the tests that need them will fail"
  fi
else
  say "step 2/5: Debian packages present"
fi

stamp=.tools/npm-ci.stamp
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  rm -f "$stamp"
  start_step npm "step 3/5: npm ci" bash -c 'npm ci --no-audit --no-fund --loglevel=error && echo "$1" > "$2"' npm "$lock_hash" "$stamp"
else
  say "step 3/5: npm packages current"
fi

start_step go "step 4/5: Go-built tools" bash scripts/tools/build-go-tools.sh
start_step keycloak "step 4/5: Keycloak" bash scripts/tools/install-keycloak.sh
start_step kafka "step 4/5: Kafka" bash scripts/tools/install-kafka.sh

wait_steps npm
start_step tsc "step 5/5: TypeScript build" npm run --silent build
wait_steps tsc

# The Backstage app bundle, rebuilt when its sources are newer than the bundle.
bundle=backstage-plugins/packages/app/dist/index.html
if [ ! -f "$bundle" ] || [ -n "$(find backstage-plugins/packages/app/src backstage-plugins/plugins packages/safe-yaml/src packages/telemetry-contract/src packages/canary-judge/src -newer "$bundle" -type f -print -quit 2>/dev/null)" ]; then
  start_step backstage "step 5/5: Backstage app bundle" npm run --silent build --prefix backstage-plugins
else
  say "step 5/5: Backstage app bundle current"
fi

wait_steps apt go keycloak kafka backstage
grep -E '^(otelcol|jaeger|alertmanager|opa)' "$logs/setup-go.log" | sed 's/^/  /' || true
grep -E '^keycloak' "$logs/setup-keycloak.log" | sed 's/^/  /' || true
grep -E '^kafka' "$logs/setup-kafka.log" | sed 's/^/  /' || true
say "done"
