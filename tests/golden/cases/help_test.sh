"$RDX" test --help
