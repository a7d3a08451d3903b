#!/bin/sh
# Runs every test suite and prints the total as the last line:
#   total: N passed, N failed, N skipped
# Each suite prints its own "name: N passed, N failed[, N skipped]" line; a
# suite that dies without printing one counts as one failure.
B=${RDX_BUILD:-build}
out=$(mktemp)
one=$(mktemp)
# The suites get a cache directory of their own: a user's ~/.cache/ruledex
# may hold entries another build wrote, and hunt's notes about them would
# change golden output. The Kafka jars stay where fetch-kafka.sh keeps them.
: "${RDX_KAFKA_JARS:=${XDG_CACHE_HOME:-$HOME/.cache}/ruledex/kafka-${RDX_KAFKA_VERSION:-4.4.0}}"
export RDX_KAFKA_JARS
XDG_CACHE_HOME=$(mktemp -d)
export XDG_CACHE_HOME
trap 'rm -rf "$out" "$one" "$XDG_CACHE_HOME"' EXIT
status=0

suite() {   # suite NAME COMMAND...
    name=$1; shift
    "$@" >"$one" 2>&1
    rc=$?
    cat "$one"
    cat "$one" >>"$out"
    if [ $rc -ne 0 ]; then
        status=1
        grep -q "^$name: [0-9]* passed" "$one" ||
            echo "$name: 0 passed, 1 failed (exit status $rc)" | tee -a "$out"
    fi
}

suite unit ./"$B"/unit_tests
suite toml env RDX_BUILD="$B" sh tests/oracle/toml_check.sh
suite golden env RDX_BUILD="$B" sh tests/golden/run.sh
suite browser env RDX_BUILD="$B" sh tests/browser/run.sh
suite examples env RDX_BUILD="$B" sh tests/examples/run.sh
suite stream env RDX_BUILD="$B" sh tests/stream/run.sh
suite python env RDX_BUILD="$B" sh tests/python/run.sh
suite evidence env RDX_BUILD="$B" sh tests/evidence/run.sh
suite corpus env RDX_BUILD="$B" sh tests/corpus/run.sh
suite fidelity env RDX_BUILD="$B" sh tests/corpus/fidelity.sh
suite kafka env RDX_BUILD="$B" sh tests/kafka/run.sh
suite convert env RDX_BUILD="$B" sh tests/convert/run.sh
suite speed env RDX_BUILD="$B" sh tests/speed/run.sh
awk '/^[a-z-]+: [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4; s += ($6 == "" ? 0 : $6) }
     END { printf "total: %d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0) }' "$out" || status=1
exit $status
