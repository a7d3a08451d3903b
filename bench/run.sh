#!/bin/sh
# bench/run.sh — `make bench`: throughput of reading, the reference
# evaluator and the compiled matcher on two workloads, single thread.
#
#   evtx       every EVTX file of the corpus's evtx-samples/ (568 files of
#              real attack logs), read through the EVTX reader
#   synthetic  RDX_BENCH_EVENTS (default 1,000,000) JSON lines cycled from
#              the SigmaHQ regression events, each with its own record id;
#              generated once into RDX_BENCH_DIR (default $TMPDIR/ruledex-bench)
#
# Rules: SigmaHQ rules/, rules-emerging-threats/ and rules-threat-hunting/
# (what hunt selects: detections that load), routed by data/logsources.yml.
# The reference evaluator runs every rule on every event and is slow, so it
# gets the first RDX_BENCH_REF_EVENTS (default 3,000) events of a workload.
# Rates are from CPU time, which other jobs on a shared machine do not
# inflate.  Figures and their discussion: docs/PERFORMANCE.md.
#
#   RDX_BUILD=build  RDX_CORPUS=../shared/corpus  RDX_BENCH_EVENTS=1000000
#   RDX_BENCH_REF_EVENTS=3000  RDX_BENCH_DIR=/tmp/ruledex-bench
#   RDX_BENCH_DIFF=1   also run the matcher-vs-reference check on evtx
set -eu
B=${RDX_BUILD:-build}
CORPUS=${RDX_CORPUS:-../shared/corpus}
EVENTS=${RDX_BENCH_EVENTS:-1000000}
REF_EVENTS=${RDX_BENCH_REF_EVENTS:-3000}
DIR=${RDX_BENCH_DIR:-${TMPDIR:-/tmp}/ruledex-bench}

if [ ! -d "$CORPUS/sigma/rules" ]; then
    echo "bench: corpus not found at $CORPUS (set RDX_CORPUS)" >&2
    exit 1
fi
[ -f "$B/libruledex.a" ] || { echo "bench: $B/libruledex.a missing (make first)" >&2; exit 1; }

# The harness is built like the CLI, against the library.
CC=${CC:-cc}
# shellcheck disable=SC2046
$CC -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra -Werror \
    -Iinclude $(pkg-config --cflags libhs) bench/bench.c "$B/libruledex.a" \
    $(pkg-config --libs libfyaml libpcre2-8 libhs zlib) -lpthread -lm -o "$B/bench"

mkdir -p "$DIR"
EVTX_LIST=$DIR/evtx.list
REGR_LIST=$DIR/regression.list
SYNTH=$DIR/synthetic-$EVENTS.jsonl
find "$CORPUS/evtx-samples" -name '*.evtx' | LC_ALL=C sort >"$EVTX_LIST"
find "$CORPUS/sigma-regression" -name '*.json' | LC_ALL=C sort >"$REGR_LIST"
if [ ! -s "$SYNTH" ]; then
    echo "generating $SYNTH ..."
    "$B/bench" gen "$EVENTS" "$SYNTH.tmp" -l "$REGR_LIST"
    mv "$SYNTH.tmp" "$SYNTH"
fi

RULES="-r $CORPUS/sigma/rules -r $CORPUS/sigma/rules-emerging-threats -r $CORPUS/sigma/rules-threat-hunting"

echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)," \
     "$(uname -sr); ruledex $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo "== evtx: $(wc -l <"$EVTX_LIST") files of $CORPUS/evtx-samples"
# shellcheck disable=SC2086
{
    "$B/bench" -m read -L none -l "$EVTX_LIST"
    "$B/bench" -m ref -L none $RULES -n "$REF_EVENTS" -l "$EVTX_LIST"
    "$B/bench" -m ref-routed $RULES -n "$REF_EVENTS" -l "$EVTX_LIST"
    "$B/bench" -m match $RULES -l "$EVTX_LIST"
    "$B/bench" -m match -L none $RULES -l "$EVTX_LIST" | grep -v '^setup'
}
echo
echo "== synthetic: $EVENTS events from the SigmaHQ regression data ($SYNTH)"
# shellcheck disable=SC2086
{
    "$B/bench" -m read -L none "$SYNTH"
    "$B/bench" -m ref -L none $RULES -n "$REF_EVENTS" "$SYNTH"
    "$B/bench" -m match $RULES "$SYNTH" | grep -v '^setup'
}
if [ "${RDX_BENCH_DIFF:-0}" = 1 ]; then
    echo
    echo "== differential: matcher vs reference (routed) on every evtx event"
    # shellcheck disable=SC2086
    "$B/bench" -m diff $RULES -l "$EVTX_LIST" | grep -v '^setup'
fi

# End to end, as users run it: wall-clock seconds of the CLI on all cores.
wall() {   # wall LABEL COMMAND...: one line "LABEL: N.NN s wall, N.NN s CPU"
    label=$1
    shift
    /usr/bin/time -f "$label: %e s wall, %U s user + %S s sys, peak RSS %M KiB" "$@" >/dev/null 2>"$DIR/time.err" || true
    tail -1 "$DIR/time.err"
}
echo
echo "== end to end ($(nproc) cores)"
# shellcheck disable=SC2086
wall "hunt evtx-samples (568 files), csv timeline" \
    "$B/ruledex" hunt -q -f csv -o "$DIR/timeline.csv" $RULES "$CORPUS/evtx-samples"
# shellcheck disable=SC2086
wall "hunt synthetic ($EVENTS events, one file)" "$B/ruledex" hunt -q -f jsonl $RULES "$SYNTH"
wall "catalog of the whole SigmaHQ corpus (with ATT&CK)" \
    "$B/ruledex" catalog -q -r "$CORPUS/sigma" -a "$CORPUS/attack/enterprise-attack.json" -o "$DIR/catalog"
