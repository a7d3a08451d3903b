# A shipped event (line 2 of the Sysmon examples) and an inline one against
# a shipped rule, in both formats.
r=examples/rules/proc_creation_win_whoami_recon.yml
for n in 1 2 3 4 5 6; do
    "$RDX" explain "$r" "examples/events/sysmon.jsonl#$n" >/dev/null 2>&1 && break
done
"$RDX" explain "$r" "examples/events/sysmon.jsonl#$n"
echo "status $?"
"$RDX" explain -f json "$r" '{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":3,"Image":"C:\\Windows\\whoami.exe"}'
echo "status $?"
"$RDX" explain "$r" examples/events/sysmon.jsonl#9999
echo "status $?"
