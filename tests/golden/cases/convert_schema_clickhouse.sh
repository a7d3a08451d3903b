$RDX convert --schema -t clickhouse
