"$RDX" hunt -q -f csv -r examples/rules examples/events
