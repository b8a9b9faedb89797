#!/usr/bin/env bash
# Installs Apache Kafka (KAFKA_VERSION in versions.env) for the local stack and the tests, and locates the
# Java 17+ runtime its brokers need:
#
#   java   JAVA_HOME, then `java` on PATH, then the JDKs under /usr/lib/jvm: the first whose
#          java.specification.version is 17 or newer; .tools/kafka-jdk links to it. None: a clear error.
#   kafka  org.apache.kafka:kafka_2.13 and its runtime dependencies (plus the log4j binding of the SLF4J
#          API the broker logs through), resolved with Maven from Maven Central into one folder of jars:
#          brokers run as `java -cp 'libs/*' kafka.Kafka server.properties` (KRaft), storage is formatted
#          with `kafka.tools.StorageTool`. Cached per version in
#          ${XDG_CACHE_HOME:-$HOME/.cache}/api-observatory/kafka/, published atomically, linked as
#          .tools/kafka.
#
# Prints one line: kafka VERSION cached | installed in Ns.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=versions.env
. "$root/scripts/tools/versions.env"

die() {
  echo "install-kafka: error: $*" >&2
  exit 1
}
[ -n "${KAFKA_VERSION:-}" ] || die "KAFKA_VERSION is not set in scripts/tools/versions.env"
[ -n "${KAFKA_LOG4J_VERSION:-}" ] || die "KAFKA_LOG4J_VERSION is not set in scripts/tools/versions.env"

# shellcheck source=find-java.sh
. "$root/scripts/tools/find-java.sh"
java_home="$(find_java 17 "Kafka $KAFKA_VERSION")" || exit 1
command -v mvn >/dev/null 2>&1 || die "Maven (mvn) resolves Kafka's jars from Maven Central and is not installed (Debian: maven)"
mkdir -p "$root/.tools"
ln -sfn "$java_home" "$root/.tools/kafka-jdk"

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/api-observatory/kafka"
dir="$cache_root/kafka-$KAFKA_VERSION-log4j-$KAFKA_LOG4J_VERSION"
mkdir -p "$cache_root"
if [ -f "$dir/.complete" ]; then
  ln -sfn "$dir" "$root/.tools/kafka"
  printf '%-22s %-38s %s\n' kafka "$KAFKA_VERSION" cached
  exit 0
fi

start=$SECONDS
tmp="$(mktemp -d "$cache_root/.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>api-observatory.local</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$KAFKA_LOG4J_VERSION</version></dependency>
  </dependencies>
</project>
POM
# Maven's own downloads stay in the cache too (a fresh machine has no ~/.m2).
mvn -B -q -Dstyle.color=never -f "$tmp/pom.xml" -Dmaven.repo.local="$cache_root/m2" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/libs" \
  || die "Maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (output above)"
ls "$tmp/libs"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null || die "kafka_2.13-$KAFKA_VERSION.jar missing after resolution"
# Broker log lines as the distribution's default (stdout, INFO), readable in the local stack's log files.
cat >"$tmp/log4j2.yaml" <<'LOG'
Configuration:
  Appenders:
    Console: { name: STDOUT, PatternLayout: { pattern: "[%d] %p %m (%c)%n" } }
  Loggers:
    Root: { level: INFO, AppenderRef: [{ ref: STDOUT }] }
    Logger:
      - { name: kafka.request.logger, level: WARN }
      - { name: org.apache.kafka.controller, level: INFO }
LOG
rm -f "$tmp/pom.xml"
touch "$tmp/.complete"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
ln -sfn "$dir" "$root/.tools/kafka"
printf '%-22s %-38s %s\n' kafka "$KAFKA_VERSION" "installed in $((SECONDS - start))s"
