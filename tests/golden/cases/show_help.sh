"$RDX" show --help
