# The same correlations in the other SQL dialects (one group-by, an alias,
# none): only the referenced rules' predicates differ between dialects.
for t in duckdb postgresql clickhouse; do
    $RDX convert -t $t tests/data/correlation/brute/rules.yml tests/convert/corr/rules.yml 2>&1 |
        grep -v '^SELECT rid, origin\|^   OR (\|^       AND ('
done
