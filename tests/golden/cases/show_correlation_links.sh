# A correlation page lists the rules it references (by name or id), and a
# referenced rule's page lists the correlations that reference it.
"$RDX" show --color never -r tests/data/correlation/brute/rules.yml multiple_failed_login | sed -n '/Source/,/^$/p'
"$RDX" show --color never -r tests/data/correlation/brute/rules.yml successful_login | sed -n '/Source/,/^$/p'
"$RDX" show -f html -r tests/data/correlation/brute/rules.yml b180ead8-d58f-40b2-ae54-c8940995b9b6 | grep -E '<dt>Correlat'
# In the catalog site the same rows link to the rule pages.
"$RDX" catalog -r tests/data/correlation/brute/rules.yml -o "$TMPDIR_CASE/site" >/dev/null 2>&1
grep -o 'Correlat[a-z ]*</dt><dd>[^<]*<ul><li><a href="[^"]*"' "$TMPDIR_CASE"/site/rules/*.html | sed "s|$TMPDIR_CASE/||"
