"$RDX" search examples/events 2>&1 | head -1
"$RDX" search -i -k x examples/events 2>&1 | head -1
"$RDX" search -k x 2>&1 | head -1
"$RDX" search -k x -f xml examples/events 2>&1 | head -1
"$RDX" search -k x --regex a --regex b examples/events 2>&1 | head -1
"$RDX" search -k x -j 0 examples/events 2>&1 | head -1
"$RDX" search -k x examples/events -o examples/events/out.jsonl
echo "status $?"
