$RDX convert --schema -t sqlite
