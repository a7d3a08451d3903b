#!/bin/sh
# The example programs (examples/c) against the CLI: build/examples/
# hunt_jsonl, written against the public headers alone, must print exactly
# what `ruledex hunt --format jsonl` prints on the same rules and events —
# on the shipped examples, and on the corpus' EVTX samples with the whole
# SigmaHQ rule set when ../shared/corpus is present (required in CI).
# Ends with "examples: N passed, N failed[, N skipped]".
B=${RDX_BUILD:-build}
RDX=$B/ruledex
EX=$B/examples/hunt_jsonl
CORPUS=${RDX_CORPUS:-../shared/corpus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0

same() {   # same NAME RULES EVENTS: example and CLI agree, and found something
    "$RDX" hunt -q --format jsonl -j 2 -r "$2" "$3" >"$tmp/cli" 2>/dev/null
    "$EX" "$2" "$3" >"$tmp/ex" 2>"$tmp/ex.err"
    n=$(wc -l <"$tmp/cli")
    if [ "$n" -gt 0 ] && cmp -s "$tmp/cli" "$tmp/ex"; then
        echo "ok - $1: the example's $n detections equal ruledex hunt's"
        pass=$((pass + 1))
    else
        echo "not ok - $1: example and ruledex hunt differ ($n lines from hunt)"
        diff "$tmp/cli" "$tmp/ex" | head -5
        fail=$((fail + 1))
    fi
}

same "shipped examples" examples/rules examples/events
if [ -d "$CORPUS/evtx-samples" ] && [ -d "$CORPUS/sigma/rules" ]; then
    same "EVTX samples, SigmaHQ rules" "$CORPUS/sigma/rules" "$CORPUS/evtx-samples"
elif [ -n "$RDX_REQUIRE_CORPUS" ]; then
    echo "not ok - corpus required (RDX_REQUIRE_CORPUS) but $CORPUS is absent"
    fail=$((fail + 1))
else
    echo "skip - no corpus at $CORPUS"
    skip=$((skip + 1))
fi
echo "examples: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
