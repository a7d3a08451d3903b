# KQL: keywords are not convertible, the rest is.
$RDX convert -t kql tests/convert/rules/edge.yml
