# Sourced by the installers of Java components (install-keycloak.sh, install-kafka.sh).
# java_major JAVA_BIN: the Java major version (17, 21, 25) of a java binary, or nothing.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
# find_java MIN_MAJOR WHAT: prints the home of the first Java runtime of at least MIN_MAJOR in JAVA_HOME,
# then `java` on PATH, then the JDKs under /usr/lib/jvm; none: an error naming WHAT needs it, what was
# found and how to get one, and status 1.
find_java() {
  local min="$1" what="$2" home major seen="" candidates=()
  local -A tried=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  command -v java >/dev/null 2>&1 && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  for home in /usr/lib/jvm/*; do [ -d "$home" ] && [ ! -L "$home" ] && candidates+=("$home"); done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -z "${tried[$home]:-}" ] || continue
    tried[$home]=1
    major="$(java_major "$home/bin/java")"
    seen+="${seen:+, }$home (${major:-unknown version})"
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
      printf '%s\n' "$home"
      return 0
    fi
  done
  echo "$what needs a Java $min or newer runtime, and none was found in JAVA_HOME, on PATH or under /usr/lib/jvm${seen:+ (found: $seen)}. Install one (a Temurin $min+ JDK, or Debian's openjdk-$min-jre-headless where the release has it) or set JAVA_HOME to it." >&2
  return 1
}
