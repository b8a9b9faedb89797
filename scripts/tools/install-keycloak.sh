#!/usr/bin/env bash
# Installs Keycloak (KEYCLOAK_VERSION in versions.env) for the local stack and the tests, and locates the
# Java 21+ runtime it needs:
#
#   java      JAVA_HOME, then `java` on PATH, then the JDKs under /usr/lib/jvm: the first whose
#             java.specification.version is 21 or newer. .tools/jdk links to it (the local stack runs
#             Keycloak with that JAVA_HOME). None found: a clear error naming what is missing.
#   keycloak  the org.keycloak:keycloak-quarkus-dist archive, fetched with Maven (`mvn dependency:copy`),
#             unpacked and pre-built once (`kc.sh build`, the build-time options below), so every start is
#             `kc.sh start --optimized` without a rebuild. Cached per version and build options in
#             ${XDG_CACHE_HOME:-$HOME/.cache}/api-observatory/keycloak/, published atomically (a failed
#             install leaves nothing half-done), and linked as .tools/keycloak.
#
# Prints one line: keycloak VERSION cached | installed in Ns.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=versions.env
. "$root/scripts/tools/versions.env"

die() {
  echo "install-keycloak: error: $*" >&2
  exit 1
}
[ -n "${KEYCLOAK_VERSION:-}" ] || die "KEYCLOAK_VERSION is not set in scripts/tools/versions.env"

# ── Java 21+ ──────────────────────────────────────────────────────────────────────────────────────────
# shellcheck source=find-java.sh
. "$root/scripts/tools/find-java.sh"
java_home="$(find_java 21 "Keycloak $KEYCLOAK_VERSION")" || exit 1
mkdir -p "$root/.tools"
ln -sfn "$java_home" "$root/.tools/jdk"

# ── Keycloak ─────────────────────────────────────────────────────────────────────────────────────────
# Build-time options (the local stack's runtime options only add ports, caches and the hostname policy):
# H2 database files (the local stack imports the realm files once and copies that database into each
# run), the health endpoints for readiness.
build_opts=(--db=dev-file --health-enabled=true)
key="$(printf '%s\n' "$KEYCLOAK_VERSION" "${build_opts[@]}" | sha256sum | cut -c1-12)"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/api-observatory/keycloak"
dir="$cache_root/keycloak-$KEYCLOAK_VERSION-$key"
mkdir -p "$cache_root"

if [ -x "$dir/bin/kc.sh" ] && [ -f "$dir/.built" ]; then
  ln -sfn "$dir" "$root/.tools/keycloak"
  printf '%-22s %-38s %s\n' keycloak "$KEYCLOAK_VERSION (java $(java_major "$java_home/bin/java"))" cached
  exit 0
fi

command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to fetch org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION and is not installed (Debian: apt-get install maven)"
command -v flock >/dev/null 2>&1 && { exec 9>"$cache_root/.install.lock"; flock 9; }
start=$SECONDS
tmp="$(mktemp -d "$cache_root/.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
log="$root/.tools/logs/keycloak-install.log"
mkdir -p "$(dirname "$log")"
# Maven's own downloads stay in the cache (a fresh machine has no ~/.m2); the archive is unpacked and
# then dropped from Maven's repository, so the cache keeps one copy of Keycloak.
mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$cache_root/m2" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz" "-DoutputDirectory=$tmp" >"$log" 2>&1 ||
  { tail -n 20 "$log" >&2; die "mvn could not fetch org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz (log: $log)"; }
rm -rf "$cache_root/m2/org/keycloak/keycloak-quarkus-dist"
tar xzf "$tmp/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz" -C "$tmp"
rm -f "$tmp/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz"
home="$tmp/keycloak-$KEYCLOAK_VERSION"
[ -x "$home/bin/kc.sh" ] || die "the archive has no keycloak-$KEYCLOAK_VERSION/bin/kc.sh"
JAVA_HOME="$java_home" "$home/bin/kc.sh" build "${build_opts[@]}" >>"$log" 2>&1 ||
  { tail -n 20 "$log" >&2; die "kc.sh build failed (log: $log)"; }
touch "$home/.built"
rm -rf "$dir" && mv "$home" "$dir"
ln -sfn "$dir" "$root/.tools/keycloak"
printf '%-22s %-38s %s\n' keycloak "$KEYCLOAK_VERSION (java $(java_major "$java_home/bin/java"))" "installed in $((SECONDS - start))s"
