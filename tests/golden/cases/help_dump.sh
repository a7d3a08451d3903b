"$RDX" dump --help
