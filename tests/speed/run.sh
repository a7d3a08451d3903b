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
#   cache   --cache-dir: a cold run, a cached run, then each entry (the
#           compiled databases, the rule-set snapshot, the matcher's plan;
#           a database entry with the plan removed) flipped, truncated,
#           replaced by garbage, stamped by another version and made
#           writable by others — each time a note (or none), the same
#           detections, and the entry rebuilt
#   snapshot  the rule-set snapshot: the whole SigmaHQ set hunted cold and
#           cached over the EVTX samples and the regression data (output
#           and messages byte-identical, with --verbose); a copy of some
#           rules edited, extended, shrunk and renamed between cached runs:
#           each run equals a --no-cache run over the same files
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
# The matcher's plan holds both databases, so a run reads a database entry
# only without a (usable) plan: to see a database entry's damage noticed,
# its plan goes first.
plan_entry() { grep -l 'ruledex matcher plan' "$D"/*.rdxc 2>/dev/null | head -1; }
damage() {   # damage TAG EXPECTED-NOTE: after damaging the entry
    [ "$entry" = "$plan" ] || rm -f "$plan"
    hunt_cached "$1"
    cmp -s "$T/c.ref" "$T/c.$1" && ok || no "cache: $1 entry changed the detections"
    grep -q "$2" "$T/ce.$1" && ok || no "cache: $1 entry: no note '$2' ($(head -1 "$T/ce.$1"))"
    hunt_cached "$1-again"
    [ ! -s "$T/ce.$1-again" ] && ok || no "cache: $1 entry was not rebuilt"
}
# the prefilter database, the rule-set snapshot and the matcher's plan,
# and the keyword database when the rules have keyword (fieldless) tests,
# as SigmaHQ's do
n_entries=$(ls "$D"/*.rdxc 2>/dev/null | wc -l)
case $n_entries in 3|4) ok ;; *) no "cache: expected 3 or 4 entries (database, keyword database, snapshot, plan), got $n_entries" ;; esac
plan=$(plan_entry)
[ -n "$plan" ] && ok || no "cache: no matcher plan written"
n=0
for entry in "$D"/*.rdxc; do
    [ -f "$entry" ] || continue
    n=$((n + 1))
    size=$(wc -c <"$entry")
    # the middle byte, complemented (a constant could be the byte already there)
    byte=$(od -An -tu1 -j $((size / 2)) -N1 "$entry" | tr -d ' ')
    # shellcheck disable=SC2059
    printf "\\$(printf %03o $((byte ^ 255)))" | dd of="$entry" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
    damage "flipped$n" "checksum mismatch"
    head -c $((size / 3)) "$entry" >"$T/part" && cat "$T/part" >"$entry"
    damage "truncated$n" "truncated"
    head -c "$size" /dev/urandom >"$entry"
    damage "garbage$n" "not a ruledex cache file"
    printf 'X' | dd of="$entry" bs=1 seek=24 conv=notrunc 2>/dev/null   # the producer's version
    damage "version$n" "written by another ruledex version"
    chmod 666 "$entry"
    [ "$entry" = "$plan" ] || rm -f "$plan"
    hunt_cached "shared$n"
    cmp -s "$T/c.ref" "$T/c.shared$n" && ok || no "cache: shared entry $n changed the detections"
    grep -q "writable by other users" "$T/ce.shared$n" && ok || no "cache: an entry others may write was used"
    chmod 600 "$entry"
done

# the plan is keyed by the rules selected: another --min-level or --status
# over the same cache gets its own, and finds what --no-cache finds
for sel in "--min-level high" "--status test" "--min-level high"; do
    # shellcheck disable=SC2086
    "$RDX" hunt $RULES -q -j 1 --no-cache $sel -f jsonl "$T/big.evtx" >"$T/sel.ref" 2>/dev/null
    # shellcheck disable=SC2086
    "$RDX" hunt $RULES -q -j 1 --cache-dir "$D" $sel -f jsonl "$T/big.evtx" >"$T/sel.got" 2>"$T/sel.err"
    cmp -s "$T/sel.ref" "$T/sel.got" && [ ! -s "$T/sel.err" ] && [ -s "$T/sel.ref" ] && ok ||
        no "cache: $sel over a cache filled without it differs from --no-cache"
done
grep -l 'ruledex matcher plan' "$D"/*.rdxc 2>/dev/null | wc -l | grep -q '^3$' && ok ||
    no "cache: expected a plan per selection (3)"

# ---- snapshot ------------------------------------------------------------------

S=$CORPUS/sigma
ALL="-r $S/rules -r $S/rules-emerging-threats -r $S/rules-threat-hunting"
D2=$T/snapcache
same_cold_cached() {   # same_cold_cached NAME INPUT [options]: --no-cache, cold, cached agree
    name=$1 input=$2
    shift 2
    for run in nocache cold cached; do
        opt="--cache-dir $D2"
        [ "$run" = nocache ] && opt=--no-cache
        # shellcheck disable=SC2086
        "$RDX" hunt $ALL $opt -j 1 "$@" "$input" >"$T/s.$run" 2>"$T/se.$run"
        echo $? >>"$T/s.$run"
    done
    for run in cold cached; do
        cmp -s "$T/s.nocache" "$T/s.$run" && cmp -s "$T/se.nocache" "$T/se.$run" && ok ||
            no "snapshot: $name: the $run run differs from --no-cache"
    done
}
same_cold_cached "evtx samples, jsonl" "$CORPUS/evtx-samples" -f jsonl -v
rm -rf "$D2"
if [ -d "$CORPUS/sigma-regression/regression_data" ]; then
    same_cold_cached "regression data, table" "$CORPUS/sigma-regression/regression_data" -v
    same_cold_cached "regression data, csv" "$CORPUS/sigma-regression/regression_data" -f csv
else
    skip=$((skip + 1))
fi

# edits between runs: each cached run equals a fresh load of the same files
mkdir -p "$T/edit/sub"
find "$S/rules/windows/process_creation" -name '*.yml' | LC_ALL=C sort | head -60 >"$T/list"
while read -r f; do cp "$f" "$T/edit/"; done <"$T/list"
mv "$T/edit/$(ls "$T/edit" | grep yml | tail -1)" "$T/edit/sub/"
D3=$T/editcache
edit_check() {   # edit_check NAME: cached (twice) = --no-cache over $T/edit
    "$RDX" hunt -r "$T/edit" --no-cache -j 1 -f jsonl "$T/big.evtx" >"$T/e.ref" 2>"$T/ee.ref"
    for k in 1 2; do
        "$RDX" hunt -r "$T/edit" --cache-dir "$D3" -j 1 -f jsonl "$T/big.evtx" >"$T/e.$k" 2>"$T/ee.$k"
        cmp -s "$T/e.ref" "$T/e.$k" && cmp -s "$T/ee.ref" "$T/ee.$k" && ok ||
            no "snapshot: after $1, cached run $k differs from --no-cache"
    done
}
edit_check "the first load"
# a rule that fires (the first detection's file), so that the edit shows
first=$(sed -n '1s/^{"rule":{[^}]*"file":"\([^"]*\)".*/\1/p' "$T/e.2")
[ -f "$first" ] && ok || no "snapshot: no rule of the copy fires (the edit checks would prove nothing)"
sed 's/^level: .*/level: critical/; s/^title: /title: Edited /' "$first" >"$T/x" && cat "$T/x" >"$first"
edit_check "an edit (same size class, same second)"
grep -q '"Edited ' "$T/e.2" && ok || no "snapshot: the edited title is not in the output"
cp "$S/rules/windows/process_creation/$(ls "$S/rules/windows/process_creation" | grep yml | tail -1)" "$T/edit/sub/new.yml"
edit_check "a file added in a subdirectory"
rm "$first"
edit_check "a file removed"
mv "$T/edit/sub" "$T/edit/moved"
edit_check "a directory renamed"
printf 'title: broken\ndetection: [\n' >"$T/edit/zz_broken.yml"
edit_check "a broken file added (its error replayed)"
grep -q 'zz_broken.yml' "$T/ee.2" && ok || no "snapshot: the broken file's error is not replayed"

echo "speed: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
