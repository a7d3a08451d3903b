# A correlation rule that cannot run (it references a rule nobody loaded)
# is named in the hunt's summary, with the reason.
"$RDX" hunt -q -f jsonl --summary-record -r tests/data/report/rules -r tests/data/report/correlation_missing.yml \
    tests/data/report/events | tail -1
echo "status $?"
"$RDX" hunt --color never -r tests/data/report/rules -r tests/data/report/correlation_missing.yml \
    tests/data/report/events 2>&1 >/dev/null | sed -n '/^correlations not run/,$p'
# lint names it too, as a note at its correlation section
"$RDX" lint tests/data/report/correlation_missing.yml tests/data/report/rules
echo "status $?"
