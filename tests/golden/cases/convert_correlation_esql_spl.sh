# Correlations in ES|QL (STATS ... BY BUCKET) and SPL (bin + stats): fixed,
# tumbling buckets, stated in the query's comment; KQL: not convertible.
$RDX convert -t esql tests/convert/corr/rules.yml
$RDX convert -t spl tests/convert/corr/rules.yml
$RDX convert -t kql tests/data/correlation/brute/rules.yml
