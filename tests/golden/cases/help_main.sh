"$RDX" --help
