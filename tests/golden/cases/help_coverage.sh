"$RDX" coverage --help
