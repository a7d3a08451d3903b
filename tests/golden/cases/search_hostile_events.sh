# Evidence is hostile: escape sequences shown visibly, formulas neutralised,
# broken lines counted, missing files reported (exit 4, or 5 with a match).
ev="$TMPDIR_CASE/evil.jsonl"
printf '{"Computer": "ws\\u001b]0;owned\\u0007", "CommandLine": "=HYPERLINK(\\"http://x\\") mimikatz", "EventID": 1}\n{"CommandLine": "\\u001b[2Jclear mimikatz \\u202e"}\n{"broken": \n' > "$ev"
"$RDX" search --color never -k mimikatz "$ev" "$TMPDIR_CASE/missing.jsonl" 2>&1 | sed "s#$TMPDIR_CASE#TMP#g"
"$RDX" search -q -f csv -k mimikatz "$ev" 2>/dev/null | sed "s#$TMPDIR_CASE#TMP#g"
"$RDX" search -q -k mimikatz "$ev" >/dev/null 2>&1
echo "status $?"
"$RDX" search -q -k 'not there' "$ev" >/dev/null 2>&1
echo "status $?"
# a catastrophic regex: its match cut off at the PCRE2 limits is answered
# by vectorscan (nothing abandoned); with a back-reference, which vectorscan
# cannot take, it is abandoned and counted
printf '{"v": "%sb"}\n' "$(head -c 40 /dev/zero | tr '\0' a)" > "$TMPDIR_CASE/redos.jsonl"
"$RDX" search -c --regex '^(a+)+$' "$TMPDIR_CASE/redos.jsonl"
echo "status $?"
"$RDX" search -c --regex '^(a+)+(a*)\2$' "$TMPDIR_CASE/redos.jsonl"
echo "status $?"
