"$RDX" lint --help
