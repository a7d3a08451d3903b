# CSV: one row per event, the origin to go back to, cells neutralised.
"$RDX" search -f csv -k corp examples/events
echo "status $?"
"$RDX" search -q -f csv -k 'not there' examples/events
echo "status $?"
