"$RDX" hunt -q -f jsonl -o "$TMPDIR_CASE/out.jsonl" -r examples/rules examples/events
echo "status $?"
ls "$TMPDIR_CASE"
wc -l < "$TMPDIR_CASE/out.jsonl"
