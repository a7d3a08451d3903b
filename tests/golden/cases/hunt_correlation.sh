# A brute force spread over two files (the spec's chained example, >= 3
# failures then a success per user): found once, the same for any thread
# count, in every format; referenced rules do not report on their own.
"$RDX" hunt --color never -j 1 -r tests/data/correlation/brute/rules.yml tests/data/correlation/brute
echo "status $?"
"$RDX" hunt -q -f jsonl -j 1 -r tests/data/correlation/brute/rules.yml tests/data/correlation/brute >"$TMPDIR_CASE/one"
"$RDX" hunt -q -f jsonl -j 2 -r tests/data/correlation/brute/rules.yml tests/data/correlation/brute >"$TMPDIR_CASE/two"
cmp "$TMPDIR_CASE/one" "$TMPDIR_CASE/two" && echo same
cat "$TMPDIR_CASE/one"
"$RDX" hunt -q -f csv -r tests/data/correlation/brute/rules.yml tests/data/correlation/brute
