# ES|QL: regexes, keywords and non-ASCII caseless values are not convertible.
$RDX convert -t esql tests/convert/rules/edge.yml
