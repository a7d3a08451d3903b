"$RDX" hunt --help
