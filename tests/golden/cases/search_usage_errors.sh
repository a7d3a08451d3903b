"$RDX" search examples/events 2>&1 | head -1
"$RDX" search -i -k x examples/events 2>&1 | head -1
"$RDX" search -k x 2>&1 | head -1
"$RDX" search -k x -f xml examples/events 2>&1 | head -1
"$RDX" search -k x --regex a --regex b examples/events 2>&1 | head -1
"$RDX" search -k x -j 0 examples/events 2>&1 | head -1
# The message names the directory by its absolute path: shown relative here
# so the case passes in any checkout.
err=$(mktemp)
"$RDX" search -k x examples/events -o examples/events/out.jsonl 2>"$err"
echo "status $?"
sed "s|$(pwd -P)/||g" "$err" >&2
rm -f "$err"
