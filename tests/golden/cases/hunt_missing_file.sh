"$RDX" hunt --color never -r examples/rules examples/events/does-not-exist.jsonl examples/events/winlogbeat.jsonl
