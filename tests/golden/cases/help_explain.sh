"$RDX" explain --help
