# Correlation rules as SQL (docs/CONVERT.md, "Window semantics"): the
# referenced rules become CTEs, every hit time a window end, the sliding
# window a self-join on the group; upper bounds, sums and ordered temporal
# rules are not convertible, with the reason.
$RDX convert -t sqlite tests/convert/corr/rules.yml
