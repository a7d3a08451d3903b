# Realistic sequences (tests/data/correlation/scenarios/gen.py): password
# spraying, brute force then success, one service on several hosts, a
# download then its execution, a large upload — each split over two files
# written out of time order, each beside noise that must not fire.  Each
# correlation fires exactly once, the same for any thread count.
d=tests/data/correlation/scenarios
"$RDX" hunt -q -f jsonl -j 1 -r $d/rules.yml $d >"$TMPDIR_CASE/one"
"$RDX" hunt -q -f jsonl -j 2 -r $d/rules.yml $d >"$TMPDIR_CASE/two"
"$RDX" hunt -q -f jsonl -j 2 -r $d/rules.yml $d/events.b.jsonl $d/events.a.jsonl >"$TMPDIR_CASE/swapped"
cmp "$TMPDIR_CASE/one" "$TMPDIR_CASE/two" && echo "same for -j 1 and -j 2"
# inputs in the other order: the same detections (their origins list in another order at ties only)
grep -o '"title":"[^"]*"' "$TMPDIR_CASE/one" >"$TMPDIR_CASE/t1"
grep -o '"title":"[^"]*"' "$TMPDIR_CASE/swapped" >"$TMPDIR_CASE/t2"
cmp "$TMPDIR_CASE/t1" "$TMPDIR_CASE/t2" && echo "same detections with the files swapped"
"$RDX" hunt --color never -j 2 -r $d/rules.yml $d
echo "status $?"
