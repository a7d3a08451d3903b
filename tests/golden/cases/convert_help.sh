$RDX convert --help
