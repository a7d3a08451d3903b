$RDX convert -t spl tests/convert/rules/edge.yml
