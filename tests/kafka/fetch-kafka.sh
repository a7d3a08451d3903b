#!/bin/sh
# fetch-kafka.sh — Apache Kafka's broker jars from Maven Central, for the
# tests against a real broker (tests/kafka/).  Prints the directory that
# holds the jars; fetches them only once, into a cache outside the clone:
# ${RDX_KAFKA_JARS:-${XDG_CACHE_HOME:-~/.cache}/ruledex/kafka-VERSION}.
#
# Maven resolves org.apache.kafka:kafka_2.13 and its dependencies from a
# throw-away pom (plus slf4j-simple, so the broker logs through something);
# Debian's maven package is enough.  Exit 2 when maven is not installed,
# 1 when the download fails.
set -eu
VERSION=${RDX_KAFKA_VERSION:-4.4.0}
DIR=${RDX_KAFKA_JARS:-${XDG_CACHE_HOME:-$HOME/.cache}/ruledex/kafka-$VERSION}
if [ -f "$DIR/.complete" ]; then
    echo "$DIR"
    exit 0
fi
command -v mvn >/dev/null 2>&1 || { echo "fetch-kafka: maven (mvn) is not installed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ruledex.tests</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-simple</artifactId>
      <version>1.7.36</version>
    </dependency>
  </dependencies>
</project>
POM
mkdir -p "$DIR"
if ! (cd "$work" && mvn -q -B -Dmaven.repo.local="$work/m2" \
        dependency:copy-dependencies -DoutputDirectory="$DIR" -DincludeScope=runtime) >"$work/log" 2>&1; then
    tail -20 "$work/log" >&2
    echo "fetch-kafka: could not fetch kafka_2.13:$VERSION from Maven Central" >&2
    exit 1
fi
touch "$DIR/.complete"
echo "$DIR"
