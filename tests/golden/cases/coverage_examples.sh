# The shipped rules over the shipped events, text and JSON.
"$RDX" coverage examples/rules examples/events
echo "status $?"
"$RDX" coverage -f json -r examples/rules examples/events/sysmon.jsonl | head -c 300
echo
"$RDX" coverage examples/rules
echo "status $?"
