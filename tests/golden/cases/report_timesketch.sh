# --format timesketch: JSON Lines with message, datetime, timestamp_desc and
# flat attributes; a detection without an event time is kept, at the epoch,
# marked "No event time".
"$RDX" hunt -q -f timesketch -r tests/data/report/rules tests/data/report/events
echo "status $?"
