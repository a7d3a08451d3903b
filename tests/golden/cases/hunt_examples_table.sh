"$RDX" hunt --color never -r examples/rules examples/events
