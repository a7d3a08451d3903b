"$RDX" hunt --color never --min-level high -r examples/rules examples/events
