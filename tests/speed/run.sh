#!/bin/sh
# run.sh — the speed features give the same results as the slow way
# (no timing here: `make bench` measures).
#
#   split   one big EVTX file and one big JSON Lines file (bench/gen.c:
#           real sample chunks replicated with fresh record ids, hosts and
#           times; the JSON Lines are the same events) hunted with
#           --threads 1, 2 and 4 and small parts (--part-size 1M): the
#           output, the summary and the exit status are identical; a
#           damaged JSON Lines file gives the same messages too; the
#           generated EVTX is read whole by evtx_dump when one is built
#   cache   --cache-dir: a cold run, a cached run, then the entry flipped,
#           truncated, replaced by garbage and made writable by others —
#           each time a note (or none), the same detections, and the
#           entry rebuilt
#
# Needs the corpus (its rules and EVTX samples); skips without it, fails
# then when RDX_REQUIRE_CORPUS=1.  Ends with "speed: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
RDX=$(pwd)/$B/ruledex
CORPUS=${RDX_CORPUS:-../shared/corpus}
export RDX_NO_PROGRESS=1 NO_COLOR=1
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL speed $1"; }

if [ ! -d "$CORPUS/evtx-samples" ] || [ ! -d "$CORPUS/sigma/rules" ]; then
    if [ "${RDX_REQUIRE_CORPUS:-0}" = 1 ]; then
        echo "speed: 0 passed, 1 failed, 0 skipped (corpus required but absent: $CORPUS)"
        exit 1
    fi
    echo "skip speed: the corpus ($CORPUS) is absent"
    echo "speed: 0 passed, 0 failed, 1 skipped"
    exit 0
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/rdx-speed.XXXXXX")
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
GEN=$B/gen   # bench/gen.c, built by `make check` (with the sanitizers under SAN=1)
[ -x "$GEN" ] || {
    echo "speed: 0 passed, 1 failed ($GEN missing: make $GEN)"
    exit 1
}
find "$CORPUS/evtx-samples" -name '*.evtx' | LC_ALL=C sort >"$T/samples"
"$GEN" evtx "$T/big.evtx" 12 -l "$T/samples" 2>/dev/null || no "gen evtx"
"$GEN" jsonl "$T/big.jsonl" "$T/big.evtx" 2>/dev/null || no "gen jsonl"
RULES="-r $CORPUS/sigma/rules/windows"
CACHE="--cache-dir $T/cache"

# ---- split ---------------------------------------------------------------------

# same_for_threads NAME FILE [options]: -j 1, 2, 4 agree on output, summary, status
same_for_threads() {
    name=$1 file=$2
    shift 2
    for j in 1 2 4; do
        # shellcheck disable=SC2086
        "$RDX" hunt $RULES $CACHE -j $j --part-size 1M "$@" "$file" >"$T/out.$j" 2>"$T/err.$j"
        echo $? >"$T/rc.$j"
    done
    for j in 2 4; do
        if cmp -s "$T/out.1" "$T/out.$j" && cmp -s "$T/err.1" "$T/err.$j" && cmp -s "$T/rc.1" "$T/rc.$j"; then
            ok
        else
            no "$name: --threads $j differs from --threads 1"
            diff "$T/err.1" "$T/err.$j" | head -5
        fi
    done
    [ -s "$T/out.1" ] && ok || no "$name: no detections at all (the check would prove nothing)"
}

same_for_threads "evtx jsonl output" "$T/big.evtx" -f jsonl
same_for_threads "evtx csv timeline" "$T/big.evtx" -f csv
same_for_threads "jsonl" "$T/big.jsonl" -f jsonl
# repeat suppression and the table's flood folding follow a whole file: the
# same for any --threads too (such files are read whole)
same_for_threads "evtx table, floods folded" "$T/big.evtx"
same_for_threads "jsonl with --dedup" "$T/big.jsonl" -f jsonl --dedup=10m
grep -q '"line":[0-9]*[1-9][0-9][0-9][0-9]' "$T/out.1" && ok || no "jsonl: line numbers past 1000 expected"
# damage some lines: the messages (with their line numbers) agree too
awk 'NR % 977 == 5 { print substr($0, 1, 40); next } NR == 3001 { print "{\"broken\": "; next } { print }' \
    "$T/big.jsonl" >"$T/damaged.jsonl"
same_for_threads "damaged jsonl" "$T/damaged.jsonl" -f jsonl
grep -q 'error: unterminated string' "$T/err.1" && ok || no "damaged jsonl: the damage was not reported"

n_ours=$("$RDX" dump "$T/big.evtx" 2>/dev/null | wc -l)
[ "$n_ours" -gt 1000 ] && ok || no "generated evtx: only $n_ours events"
EVTX_DUMP=$(command -v evtx_dump || ls bench/peers/bin/evtx_dump 2>/dev/null || true)
if [ -n "$EVTX_DUMP" ]; then
    n_theirs=$("$EVTX_DUMP" -o jsonl "$T/big.evtx" 2>"$T/evtx_dump.err" | wc -l)
    [ "$n_theirs" = "$n_ours" ] && [ ! -s "$T/evtx_dump.err" ] && ok ||
        no "generated evtx: evtx_dump reads $n_theirs events, we read $n_ours"
else
    skip=$((skip + 1))
    echo "skip speed: evtx_dump not built (sh bench/peers.sh evtx)"
fi

# ---- cache ---------------------------------------------------------------------

D=$T/cachecheck
hunt_cached() {   # hunt_cached TAG: detections to $T/c.TAG, stderr to $T/ce.TAG
    # shellcheck disable=SC2086
    "$RDX" hunt $RULES -q -j 1 --cache-dir "$D" -f jsonl "$T/big.evtx" >"$T/c.$1" 2>"$T/ce.$1"
}
"$RDX" hunt $RULES -q -j 1 --no-cache -f jsonl "$T/big.evtx" >"$T/c.ref" 2>/dev/null
[ ! -d "$D" ] && ok || no "cache: --no-cache created a cache"
hunt_cached cold
entry=$(ls "$D"/*.rdxc 2>/dev/null | head -1)
[ -n "$entry" ] && ok || no "cache: no entry written"
hunt_cached warm
for tag in cold warm; do
    cmp -s "$T/c.ref" "$T/c.$tag" && ok || no "cache: $tag run finds other detections"
    [ ! -s "$T/ce.$tag" ] && ok || no "cache: $tag run printed $(head -1 "$T/ce.$tag")"
done
damage() {   # damage TAG EXPECTED-NOTE: after damaging the entry
    hunt_cached "$1"
    cmp -s "$T/c.ref" "$T/c.$1" && ok || no "cache: $1 entry changed the detections"
    grep -q "$2" "$T/ce.$1" && ok || no "cache: $1 entry: no note '$2' ($(head -1 "$T/ce.$1"))"
    hunt_cached "$1-again"
    [ ! -s "$T/ce.$1-again" ] && ok || no "cache: $1 entry was not rebuilt"
}
if [ -n "$entry" ]; then
    size=$(wc -c <"$entry")
    printf '\377' | dd of="$entry" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
    damage flipped "checksum mismatch"
    head -c $((size / 3)) "$entry" >"$T/part" && cat "$T/part" >"$entry"
    damage truncated "truncated"
    head -c "$size" /dev/urandom >"$entry"
    damage garbage "not a ruledex cache file"
    chmod 666 "$entry"
    hunt_cached shared
    cmp -s "$T/c.ref" "$T/c.shared" && ok || no "cache: shared entry changed the detections"
    grep -q "writable by other users" "$T/ce.shared" && ok || no "cache: an entry others may write was used"
    chmod 600 "$entry"
fi

echo "speed: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
