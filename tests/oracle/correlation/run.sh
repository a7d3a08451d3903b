#!/bin/sh
# make oracle-correlation: a second opinion on correlation rules.  ruledex
# and rsigma (crates.io, pinned below) run the same rules over the same
# events, sorted by time (rsigma judges events in arrival order), and
# compare.py reports every difference in the correlation detections;
# known-differences.txt explains the ones that are by design
# (docs/CORRELATION.md, "A second opinion").
#
# rsigma is found as $RSIGMA, on PATH, in ~/.cargo/bin, or installed once
# into $B/oracle-correlation/rsigma with cargo (no default features: the
# daemon is not needed; but rsigma 0.23.0 does not compile without its
# rsigma-runtime feature — src/commands/disposition_spool.rs imports it
# unconditionally — so that one is on; 20-40 minutes on two cores).  When it cannot be had
# this prints a SKIP line and "oracle-correlation: 0 passed, 0 failed" and
# exits 0 — 1 with RDX_REQUIRE_ORACLE=1.
B=${RDX_BUILD:-build}
RDX=$(pwd)/$B/ruledex
OUT=$B/oracle-correlation
RSIGMA_VERSION=0.23.0
HERE=tests/oracle/correlation
mkdir -p "$OUT"

skip() {
    echo "SKIP oracle-correlation: $1"
    echo "oracle-correlation: 0 passed, 0 failed"
    [ -n "$RDX_REQUIRE_ORACLE" ] && exit 1
    exit 0
}

find_rsigma() {
    for r in "$RSIGMA" "$(command -v rsigma 2>/dev/null)" "$HOME/.cargo/bin/rsigma" "$OUT/rsigma/bin/rsigma"; do
        if [ -n "$r" ] && [ -x "$r" ]; then echo "$r"; return 0; fi
    done
    return 1
}

command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
[ -x "$RDX" ] || skip "$RDX is not built (make)"
RS=$(find_rsigma)
if [ -z "$RS" ]; then
    command -v cargo >/dev/null 2>&1 || skip "rsigma is not installed and cargo is not available (install Rust, then: cargo install rsigma --version $RSIGMA_VERSION --no-default-features --features rsigma-runtime --locked)"
    echo "oracle-correlation: installing rsigma $RSIGMA_VERSION with cargo into $OUT/rsigma (once; log in $OUT/cargo-install.log)"
    cargo install rsigma --version "$RSIGMA_VERSION" --no-default-features --features rsigma-runtime --locked \
        --root "$OUT/rsigma" >"$OUT/cargo-install.log" 2>&1 ||
        skip "cargo install rsigma $RSIGMA_VERSION failed: $(tail -n 3 "$OUT/cargo-install.log" | tr '\n' ' ')"
    RS=$OUT/rsigma/bin/rsigma
fi

cases=$OUT/cases
rm -rf "$cases"
python3 "$HERE/cases.py" "$cases" || skip "could not write the cases"
# The shipped fixtures, their files merged and sorted by event time.
for d in brute scenarios; do
    cp "tests/data/correlation/$d/rules.yml" "$cases/fixture_$d.yml"
    cat tests/data/correlation/$d/*.jsonl | python3 -c '
import json, sys
evs = [json.loads(l) for l in sys.stdin if l.strip()]
evs.sort(key=lambda e: e["UtcTime"].replace(" ", "T"))
for e in evs: print(json.dumps(e, sort_keys=True))' >"$cases/fixture_$d.jsonl"
done
# rsigma 0.23.0 routes a detection to the correlations that reference it
# through the detection's `id` only (find_rule_identity), so a rule named
# but without an id never feeds one; the scenarios' rules have none.  The
# same fixture again with an id given to each detection rule lets rsigma
# judge the correlations themselves (docs/CORRELATION.md).
python3 - "$cases/fixture_scenarios.yml" "$cases/fixture_scenarios_ids.yml" <<'PY'
import sys
docs = open(sys.argv[1], encoding="utf-8").read().split("\n---\n")
for n, d in enumerate(docs):
    if "detection:" in d and not any(l.startswith("id:") for l in d.splitlines()):
        docs[n] = "id: 00000000-0000-4000-8000-%012d\n" % (n + 1) + d
open(sys.argv[2], "w", encoding="utf-8").write("\n---\n".join(docs))
PY
cp "$cases/fixture_scenarios.jsonl" "$cases/fixture_scenarios_ids.jsonl"

for yml in "$cases"/*.yml; do
    c=${yml%.yml}
    "$RDX" hunt -q -f jsonl -j 1 -r "$yml" "$c.jsonl" >"$c.ruledex" 2>"$c.ruledex.err"
    "$RS" engine eval -r "$yml" -e "@$c.jsonl" --timestamp-field UtcTime --action reset \
        --no-detections >"$c.rsigma" 2>"$c.rsigma.err"
done
python3 "$HERE/compare.py" "$cases" "$HERE/known-differences.txt"
