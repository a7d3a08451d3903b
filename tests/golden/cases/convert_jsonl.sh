$RDX convert -t duckdb --format jsonl examples/rules/proc_creation_win_whoami_recon.yml tests/convert/rules/not_convertible.yml
