$RDX convert -t postgresql tests/convert/rules/edge.yml
