# Output does not depend on the number of threads.
"$RDX" hunt -q -f jsonl -j 1 -r examples/rules examples/events tests/data/golden >"$TMPDIR_CASE/one"
"$RDX" hunt -q -f jsonl -j 4 -r examples/rules examples/events tests/data/golden >"$TMPDIR_CASE/four"
cmp "$TMPDIR_CASE/one" "$TMPDIR_CASE/four" && echo same
wc -l < "$TMPDIR_CASE/one"
