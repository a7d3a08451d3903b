"$RDX" hunt -r examples/rules
