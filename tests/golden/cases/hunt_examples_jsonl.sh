"$RDX" hunt -q -f jsonl -r examples/rules examples/events
