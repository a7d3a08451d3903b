cat examples/events/sysmon.jsonl | "$RDX" hunt -q -f jsonl -r examples/rules -
