# --from/--to as in hunt (UTC instants; offsets honoured); invalid dates refused.
"$RDX" search --color never --from 2026-11-20T09:14 --to 2026-11-21 -k corp examples/events
echo "status $?"
"$RDX" search -q -c --from 2026-11-20T10:14+01:00 --to 2026-11-21 examples/events
echo "status $?"
"$RDX" search --from 2026-02-30 -k x examples/events
echo "status $?"
"$RDX" search --to yesterday -k x examples/events 2>&1 | head -1
"$RDX" search --from 2026-11-21 --to 2026-11-20 -k x examples/events 2>&1 | head -1
