"$RDX" catalog --help
