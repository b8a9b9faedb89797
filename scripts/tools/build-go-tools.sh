#!/usr/bin/env bash
# Builds every Go component the pack runs, from source, with only Go installed (no prebuilt
# binaries are downloaded; Go modules come through the Go module proxy as usual):
#
#   otelcol, prometheus,  one Go module: the collector distribution that the ocb builder (@v$OTELCOL_VERSION)
#   promtool              generates from collector/builder-config.yaml, plus Prometheus' cmd/prometheus and
#                         cmd/promtool at $PROMETHEUS_MODULE_VERSION, compiled in one `go build`. The
#                         collector's Prometheus receiver depends on Prometheus, so pinning the version that
#                         receiver requires makes both share every compiled package. The cache key covers
#                         the manifest and the versions.
#   alertmanager, amtool  go install github.com/prometheus/alertmanager/cmd/...@$ALERTMANAGER_MODULE_VERSION
#   opa                   go install github.com/open-policy-agent/opa@$OPA_MODULE_VERSION
#   jaeger                Jaeger v2, built in the wrapper module scripts/tools/jaeger (Jaeger's go.mod
#                         has a replace directive, so `go install ...@version` is refused)
#
# Prometheus and the collector's Prometheus receiver are built with the remove_all_sd tag (see sd_tags).
# Binaries are cached per version in ${XDG_CACHE_HOME:-$HOME/.cache}/api-observatory/bin/ and then
# hard-linked (or copied) into the repo's git-ignored .tools/bin/. Re-running is cheap: a tool whose
# cache entry exists is only linked again. Prints one line per tool: cached, or built with seconds.
#
# Usage: scripts/tools/build-go-tools.sh [prometheus|otelcol|jaeger ...]   (default: all three)
# Env:   GO                     Go command to use (default: go)
#        BUILD_GO_TOOLS_VERBOSE=1  stream build output instead of writing it to a log file
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=versions.env
. "$root/scripts/tools/versions.env"

die() {
  echo "build-go-tools: error: $*" >&2
  exit 1
}

GO="${GO:-go}"
command -v "$GO" >/dev/null 2>&1 || die "Go is not installed or not in PATH (set GO=/path/to/go). Go >= 1.24 is needed; newer toolchains are fetched by Go itself when a module asks for one."
for v in PROMETHEUS_MODULE_VERSION ALERTMANAGER_MODULE_VERSION OPA_MODULE_VERSION OTELCOL_VERSION OTELCOL_STABLE_VERSION OTELCOL_DIST_NAME JAEGER_MODULE_VERSION; do
  [ -n "${!v:-}" ] || die "$v is not set in scripts/tools/versions.env"
done

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/api-observatory"
bin_cache="$cache_root/bin"
build_root="$cache_root/build"
log_dir="$cache_root/logs"
out="$root/.tools/bin"
mkdir -p "$bin_cache" "$build_root" "$log_dir" "$out"

platform="$("$GO" env GOOS)-$("$GO" env GOARCH)"
# Strip symbol tables and DWARF: about a third smaller binaries, shorter links. No -trimpath, so the
# Go build cache is shared with plain `go install`/`go build` runs of the same packages.
ldflags='-s -w'
# Prometheus (>= 3.10) and the collector's Prometheus receiver compile every service-discovery provider
# (Kubernetes, AWS, Azure, GCE, ...) unless built with this tag; the pack only uses static targets, so
# the tag drops most of their dependency tree from the build. file_sd and http_sd stay.
sd_tags='remove_all_sd'

# One build at a time per cache (two builds of the same tool would only waste the 2 cores).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.build.lock"
  flock 9
fi

tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(otelcol jaeger alertmanager opa)
for t in "${tools[@]}"; do
  case "$t" in prometheus | otelcol | alertmanager | jaeger | opa) ;; *) die "unknown tool '$t' (expected: prometheus, otelcol, alertmanager, jaeger, opa)" ;; esac
done

tmp_dirs=()
cleanup() { [ ${#tmp_dirs[@]} -eq 0 ] || rm -rf "${tmp_dirs[@]}"; }
trap cleanup EXIT

new_tmp() { # new_tmp VAR: a fresh directory inside the cache (same filesystem, so mv is atomic)
  local d
  d="$(mktemp -d "$bin_cache/.tmp.XXXXXX")"
  tmp_dirs+=("$d")
  printf -v "$1" '%s' "$d"
}

# run_logged NAME CMD...: runs CMD with its output in $log_dir/NAME.log, printing a progress line every
# 15 s (a cold build is many minutes of otherwise silent compiling); on failure prints the log's tail.
run_logged() {
  local name="$1" log="$log_dir/$1.log" pid rc=0 t0=$SECONDS next=15
  shift
  if [ "${BUILD_GO_TOOLS_VERBOSE:-}" = 1 ]; then
    "$@" 2>&1 | tee "$log" && return 0
    rc=1
  else
    "$@" >"$log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      sleep 1
      if [ $((SECONDS - t0)) -ge "$next" ] && kill -0 "$pid" 2>/dev/null; then
        # go build -v logs one line per compiled package.
        printf '  building %s: %dm%02ds, %s packages compiled\n' "$name" $(((SECONDS - t0) / 60)) $(((SECONDS - t0) % 60)) \
          "$(grep -cv '^go: ' "$log" 2>/dev/null || true)"
        next=$((next + 15))
      fi
    done
    wait "$pid" || rc=$?
    [ "$rc" = 0 ] && return 0
  fi
  echo "build-go-tools: error: building $name failed; last lines of $log:" >&2
  tail -n 25 "$log" | sed 's/^/  | /' >&2
  exit 1
}

# publish CACHED_BINARY NAME: put a cached binary into .tools/bin (hard link, else copy + rename).
publish() {
  local src="$1" dst="$out/$2"
  if ! ln -f "$src" "$dst" 2>/dev/null; then
    cp -f "$src" "$dst.tmp.$$" && mv -f "$dst.tmp.$$" "$dst"
  fi
}

report() { # report LABEL VERSION STATUS
  printf '%-22s %-38s %s\n' "$1" "$2" "$3"
}

# build_otelcol_prometheus: the collector, prometheus and promtool from one module (see the header).
build_otelcol_prometheus() {
  local manifest="$root/collector/builder-config.yaml" v="v$OTELCOL_VERSION" bad key dist_name
  [ -f "$manifest" ] || die "collector manifest not found: collector/builder-config.yaml"
  # Every module must be at the one release in versions.env (core stable modules at its 1.x pair).
  bad="$(grep -E '^[[:space:]]*-?[[:space:]]*gomod:' "$manifest" |
    grep -vE "[[:space:]](v$OTELCOL_VERSION|v$OTELCOL_STABLE_VERSION)[\"']?[[:space:]]*(#.*)?$" || true)"
  [ -z "$bad" ] || die "collector/builder-config.yaml has modules not at v$OTELCOL_VERSION / v$OTELCOL_STABLE_VERSION (OTELCOL_VERSION / OTELCOL_STABLE_VERSION in versions.env):
$bad"
  dist_name="$(awk '/^dist:/{d=1; next} /^[^[:space:]#]/{d=0} d && $1=="name:"{print $2; exit}' "$manifest")"
  [ "$dist_name" = "${OTELCOL_DIST_NAME:-}" ] ||
    die "dist.name in collector/builder-config.yaml ('$dist_name') differs from OTELCOL_DIST_NAME in versions.env ('${OTELCOL_DIST_NAME:-}')"
  key="$( (cat "$manifest"; echo "$PROMETHEUS_MODULE_VERSION $sd_tags $ldflags version") | sha256sum | cut -c1-16)"
  local dir="$bin_cache/otelcol-prometheus-$OTELCOL_VERSION-$key-$platform" start
  if [ -x "$dir/otelcol" ] && [ -x "$dir/prometheus" ] && [ -x "$dir/promtool" ]; then
    report "otelcol, prometheus" "$v, $PROMETHEUS_MODULE_VERSION" cached
  else
    start=$SECONDS
    # The builder itself, at the same release.
    local bdir="$bin_cache/builder-$v-$platform"
    if [ ! -x "$bdir/builder" ]; then
      local btmp
      new_tmp btmp
      (cd "$btmp" && run_logged otelcol-builder env GOBIN="$btmp" GOWORK=off "$GO" install -ldflags="$ldflags" "go.opentelemetry.io/collector/cmd/builder@$v")
      rm -rf "$bdir" && mv "$btmp" "$bdir"
    fi
    # Generated sources go to a build dir in the cache (never into the repo): a copy of the manifest
    # whose dist.output_path points there. The builder only generates; one go build compiles all three.
    local work="$build_root/otelcol-$key" src tmp have
    src="$work/dist"
    rm -rf "$work" && mkdir -p "$work"
    sed -E "s#^([[:space:]]+output_path:).*#\\1 $src#" "$manifest" >"$work/builder-config.yaml"
    grep -q "output_path: $src" "$work/builder-config.yaml" || die "collector/builder-config.yaml needs a dist.output_path line (it is overridden at build time)"
    (cd "$work" && run_logged otelcol-generate env GOWORK=off "$bdir/builder" --config "$work/builder-config.yaml" \
      --skip-strict-versioning=false --skip-compilation)
    (cd "$src" && run_logged otelcol-prometheus-modules env GOWORK=off "$GO" get \
      "github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_MODULE_VERSION" "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION")
    # Prometheus must stay at the pin: a collector release that needs another version says so here.
    have="$(cd "$src" && GOWORK=off "$GO" list -m -f '{{.Version}}' github.com/prometheus/prometheus)"
    [ "$have" = "$PROMETHEUS_MODULE_VERSION" ] ||
      die "the collector v$OTELCOL_VERSION modules resolve github.com/prometheus/prometheus to $have, not PROMETHEUS_MODULE_VERSION $PROMETHEUS_MODULE_VERSION: set PROMETHEUS_MODULE_VERSION=$have in scripts/tools/versions.env"
    new_tmp tmp
    # Prometheus reports its version (--version, /api/v1/status/buildinfo) from prometheus/common.
    local promver="${PROMETHEUS_MODULE_VERSION#v0.}" pv
    pv="$((10#${promver%%.*} / 100)).$((10#${promver%%.*} % 100)).${promver#*.}"
    (cd "$src" && run_logged otelcol-prometheus env GOWORK=off "$GO" build -v -mod=mod -tags="$sd_tags" \
      -ldflags="$ldflags -X github.com/prometheus/common/version.Version=$pv" -o "$tmp/" \
      . github.com/prometheus/prometheus/cmd/prometheus github.com/prometheus/prometheus/cmd/promtool)
    mv "$tmp/$dist_name" "$tmp/otelcol"
    [ -x "$tmp/otelcol" ] && [ -x "$tmp/prometheus" ] && [ -x "$tmp/promtool" ] || die "go build finished but a binary is missing (see $log_dir/otelcol-prometheus.log)"
    rm -rf "$dir" && mv "$tmp" "$dir"
    report "otelcol, prometheus" "$v, $PROMETHEUS_MODULE_VERSION" "built in $((SECONDS - start))s"
  fi
  publish "$dir/otelcol" otelcol
  publish "$dir/prometheus" prometheus
  publish "$dir/promtool" promtool
}

build_alertmanager() {
  local v="$ALERTMANAGER_MODULE_VERSION" dir="$bin_cache/alertmanager-$ALERTMANAGER_MODULE_VERSION-$platform" tmp start
  if [ -x "$dir/alertmanager" ] && [ -x "$dir/amtool" ]; then
    report "alertmanager, amtool" "$v" cached
  else
    start=$SECONDS
    new_tmp tmp
    (cd "$tmp" && run_logged alertmanager env GOBIN="$tmp" GOWORK=off "$GO" install -v \
      -ldflags="$ldflags -X github.com/prometheus/common/version.Version=${v#v}" \
      "github.com/prometheus/alertmanager/cmd/alertmanager@$v" "github.com/prometheus/alertmanager/cmd/amtool@$v")
    [ -x "$tmp/alertmanager" ] && [ -x "$tmp/amtool" ] || die "go install finished but alertmanager/amtool are missing (see $log_dir/alertmanager.log)"
    rm -rf "$dir" && mv "$tmp" "$dir"
    report "alertmanager, amtool" "$v" "built in $((SECONDS - start))s"
  fi
  publish "$dir/alertmanager" alertmanager
  publish "$dir/amtool" amtool
}

build_opa() {
  local v="$OPA_MODULE_VERSION" dir="$bin_cache/opa-$OPA_MODULE_VERSION-$platform" tmp start
  if [ -x "$dir/opa" ]; then
    report opa "$v" cached
  else
    start=$SECONDS
    new_tmp tmp
    (cd "$tmp" && run_logged opa env GOBIN="$tmp" GOWORK=off "$GO" install -v \
      -ldflags="$ldflags -X github.com/open-policy-agent/opa/v1/version.Version=${v#v}" "github.com/open-policy-agent/opa@$v")
    [ -x "$tmp/opa" ] || die "go install finished but opa is missing (see $log_dir/opa.log)"
    rm -rf "$dir" && mv "$tmp" "$dir"
    report opa "$v" "built in $((SECONDS - start))s"
  fi
  publish "$dir/opa" opa
}

build_jaeger() {
  local mod="$root/scripts/tools/jaeger" v="$JAEGER_MODULE_VERSION" sha start tmp
  [ -f "$mod/go.mod" ] && [ -f "$mod/go.sum" ] || die "wrapper module scripts/tools/jaeger (go.mod, go.sum) is missing"
  grep -qE "^(require)?[[:space:]]+github.com/jaegertracing/jaeger $v([[:space:]]|\$)" "$mod/go.mod" ||
    die "scripts/tools/jaeger/go.mod does not require github.com/jaegertracing/jaeger $v (JAEGER_MODULE_VERSION); update it and run 'go mod tidy' there"
  sha="$(cat "$mod/go.mod" "$mod/go.sum" | sha256sum | cut -c1-16)"
  local dir="$bin_cache/jaeger-$v-$sha-$platform"
  if [ -x "$dir/jaeger" ]; then
    report jaeger "$v" cached
  else
    start=$SECONDS
    new_tmp tmp
    (cd "$mod" && run_logged jaeger env GOWORK=off "$GO" build -v -mod=readonly \
      -ldflags="$ldflags -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$v" \
      -o "$tmp/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger)
    rm -rf "$dir" && mv "$tmp" "$dir"
    report jaeger "$v" "built in $((SECONDS - start))s"
  fi
  publish "$dir/jaeger" jaeger
}

built_joint=
for t in "${tools[@]}"; do
  case "$t" in
    prometheus | otelcol) [ -n "$built_joint" ] || build_otelcol_prometheus; built_joint=1 ;;
    alertmanager) build_alertmanager ;;
    jaeger) build_jaeger ;;
    opa) build_opa ;;
  esac
done
