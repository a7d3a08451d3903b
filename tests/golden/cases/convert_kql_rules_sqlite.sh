# Rules of other languages convert too: a KQL query (its `has` is a whole-term match).
$RDX convert -t sqlite tests/convert/rules-other
