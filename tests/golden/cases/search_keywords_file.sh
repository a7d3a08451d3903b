# An indicator list: one keyword per line (CRLF and blank lines tolerated),
# usually with --any; thousands of them stay one scan per event.
list="$TMPDIR_CASE/iocs.txt"
printf 'privilege::debug\r\n\n203.0.113.50\n' > "$list"
i=0
while [ $i -lt 3000 ]; do echo "absent-indicator-$i"; i=$((i + 1)); done >> "$list"
"$RDX" search --color never --any -K "$list" examples/events
echo "status $?"
printf 'whoami\n' | "$RDX" search -q -c -K - -k priv examples/events
echo "status $?"
"$RDX" search -K "$list" examples/events
echo "status $?"
"$RDX" search -K "$TMPDIR_CASE/missing.txt" examples/events 2>&1 | head -1 | sed "s#$TMPDIR_CASE#TMP#"
echo whoami | "$RDX" search -K - - 2>&1 | head -1
