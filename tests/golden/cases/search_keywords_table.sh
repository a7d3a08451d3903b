# Keywords: literal, case-insensitive, in values only; all (default) or any.
"$RDX" search --color never -k MIMIKATZ examples/events
echo "status $?"
"$RDX" search --color never -k whoami -k priv examples/events
echo "status $?"
"$RDX" search --color never --any -k whoami -k 'privilege::debug' examples/events
echo "status $?"
# a field name is not a value: "EventData" is in every Sysmon event's names
"$RDX" search -q -c -k EventData examples/events
echo "status $?"
"$RDX" search -q -c -k 'nothing like this' examples/events
echo "status $?"
