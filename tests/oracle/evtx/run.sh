#!/bin/sh
# tests/oracle/evtx/run.sh — `ruledex dump` against the evtx crate's
# evtx_dump, value for value, on every EVTX sample (`make oracle-evtx`).
#
#   1. evtx_dump: $EVTX_DUMP, else on PATH, else ~/.cargo/bin/evtx_dump;
#      when none is there and cargo is, `cargo install evtx --version
#      0.15.1` (niced; about 10 minutes on two shared cores) puts it in
#      ~/.cargo/bin.  Another version is refused: its formatting differs.
#   2. both dumps of each .evtx under $RDX_CORPUS/evtx-samples, one .jsonl
#      per file (evtx_dump -t 1 -o jsonl: one thread, records in file order)
#   3. compare.py: record by record, leaf by leaf; every difference not
#      explained by a documented formatting choice (docs/FIELDS.md, "ruledex
#      dump and evtx_dump") is printed and fails the run.
#
# Without the corpus, or without evtx_dump and cargo, it says SKIP and
# exits 0 — unless RDX_REQUIRE_ORACLE=1, which makes a skip a failure.
# Ends with "oracle-evtx: N passed, N failed".
set -u
cd "$(dirname "$0")/../../.."
B=${RDX_BUILD:-build}
RDX=$(pwd)/$B/ruledex
CORPUS=${RDX_CORPUS:-../shared/corpus}
VERSION=0.15.1

skip() {
    echo "oracle-evtx: SKIP: $*"
    echo "oracle-evtx: 0 passed, 0 failed"
    if [ "${RDX_REQUIRE_ORACLE:-0}" = 1 ]; then
        echo "oracle-evtx: RDX_REQUIRE_ORACLE=1, so a skipped oracle is a failure" >&2
        exit 1
    fi
    exit 0
}

[ -d "$CORPUS/evtx-samples" ] || skip "no EVTX samples at $CORPUS/evtx-samples (set RDX_CORPUS)"
[ -x "$RDX" ] || { echo "oracle-evtx: $RDX is not built" >&2; exit 1; }

dump=${EVTX_DUMP:-}
[ -n "$dump" ] || dump=$(command -v evtx_dump 2>/dev/null || true)
[ -n "$dump" ] || { [ -x "$HOME/.cargo/bin/evtx_dump" ] && dump=$HOME/.cargo/bin/evtx_dump; }
if [ -z "$dump" ]; then
    cargo=$(command -v cargo 2>/dev/null || echo "$HOME/.cargo/bin/cargo")
    [ -x "$cargo" ] || skip "no evtx_dump and no cargo to build it (cargo install evtx --version $VERSION)"
    echo "oracle-evtx: building evtx_dump $VERSION with cargo (niced; takes minutes)"
    nice -n 10 "$cargo" install --locked evtx --version "$VERSION" >&2 ||
        nice -n 10 "$cargo" install evtx --version "$VERSION" >&2 ||
        skip "cargo install evtx --version $VERSION failed (no network?)"
    dump=$HOME/.cargo/bin/evtx_dump
fi
got=$("$dump" --version 2>/dev/null | awk '{print $NF}')
if [ "$got" != "$VERSION" ]; then
    echo "oracle-evtx: $dump is version ${got:-unknown}, the comparison is made for $VERSION" >&2
    echo "oracle-evtx: 0 passed, 1 failed"
    exit 1
fi

T=$(mktemp -d)
if [ -n "${KEEP_DUMPS:-}" ]; then echo "  dumps kept in $T"; else trap 'rm -rf "$T"' EXIT; fi
mkdir "$T/ours" "$T/theirs"
n=0 unreadable=0
find "$CORPUS/evtx-samples" -name '*.evtx' | sort >"$T/files"
while IFS= read -r f; do
    name=$(printf '%s' "${f#"$CORPUS"/evtx-samples/}" | tr '/ ' '__').jsonl
    "$RDX" dump "$f" >"$T/ours/$name" 2>>"$T/ours.err"
    # evtx_dump stops at a chunk it cannot parse (a sample cut short);
    # what it wrote before is compared, and the count difference reported
    "$dump" -t 1 -o jsonl "$f" >"$T/theirs/$name" 2>"$T/err" || {
        unreadable=$((unreadable + 1))
        echo "  evtx_dump: $f: $(grep -m1 'Failed to parse chunk number' "$T/err" | sed 's/^ *[0-9]*: //')"
    }
    printf '%s\n' "$name" >>"$T/names"
    n=$((n + 1))
done <"$T/files"
echo "  $n files dumped by both; evtx_dump stopped early on $unreadable"
python3 tests/oracle/evtx/compare.py "$T/ours" "$T/theirs" "$T/names"
rc=$?
if [ $rc = 0 ]; then
    echo "oracle-evtx: 1 passed, 0 failed"
else
    echo "oracle-evtx: 0 passed, 1 failed"
fi
exit $rc
