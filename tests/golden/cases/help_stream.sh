"$RDX" stream --help
