# The loader: schema, one transaction, rows per leaf name (sqlite), and
# ClickHouse literals with escaped backslashes and newlines.
$RDX convert --load-events -t sqlite examples/events/sysmon.jsonl | head -40
$RDX convert --load-events --no-schema -t clickhouse tests/convert/events/edge.jsonl | head -12
