# The closing summary (hosts most severe first, detection times, the share
# of events with a detection) and flood folding: twelve failed logons on one
# host show five, then one line with the count and the last time; --verbose
# shows every one.  A hostile computer name stays inert in both.
"$RDX" hunt --color never -r tests/data/report/rules tests/data/report/events
echo "status $?"
"$RDX" hunt -q --verbose --color never -r tests/data/report/rules tests/data/report/events | grep -c "Failed Logon"
