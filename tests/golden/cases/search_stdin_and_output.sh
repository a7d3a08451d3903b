# '-' is a stream; -o writes atomically.
"$RDX" search -q --color never -k whoami - < examples/events/sysmon.jsonl
echo "status $?"
out="$TMPDIR_CASE/found.jsonl"
"$RDX" search -q -f jsonl -k corp -o "$out" examples/events
echo "status $?"
wc -l < "$out"
"$RDX" search -q -f jsonl -k corp -j 1 examples/events | cmp - "$out" && echo "same with one thread"
# a full disk is an error that names the output (exit 74)
"$RDX" search -q -k corp -o /dev/full examples/events
echo "status $?"
"$RDX" search -q -c -k corp examples/events > /dev/full
echo "status $?"
