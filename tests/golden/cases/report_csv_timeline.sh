# The CSV timeline leads back to the evidence (File, and Record: the EVTX
# record id or the JSON line) and carries the ATT&CK tactics and techniques
# named by the rule's tags (a group tag is neither).  Cells from the event
# are neutralised (a leading = gets a ').
"$RDX" hunt -q -f csv -r tests/data/report/rules tests/data/report/events
echo "status $?"
