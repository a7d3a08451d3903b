"$RDX" hunt --color never -r examples/rules tests/data/golden/bad_lines.jsonl
