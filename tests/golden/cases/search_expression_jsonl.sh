# Field expressions in the Sigma detection syntax, ANDed; the whole event as JSON.
"$RDX" search -f jsonl -e 'Image|endswith: \whoami.exe' examples/events
echo "status $?"
"$RDX" search -q -f jsonl -e 'EventID: 1' -e 'CommandLine|contains|all: [whoami, /priv]' examples/events
echo "status $?"
# a logsource routes and maps fields as in a rule: Security 4688's NewProcessName is Image
"$RDX" search -q -c --logsource product=windows,category=process_creation -e 'Image|endswith: .exe' examples/events
echo "status $?"
"$RDX" search -q -c --regex '^whoami /\w+$' examples/events
echo "status $?"
"$RDX" search -q -c --regex 'MIMIKATZ' examples/events
"$RDX" search -q -c --regex 'MIMIKATZ' -i examples/events
