"$RDX" hunt --from yesterday -r examples/rules examples/events
