# Bad noise-control and report options are usage errors, said plainly; an
# exclusion list that cannot be read stops the hunt before any work.
"$RDX" hunt --dedup=soon -r tests/data/report/rules tests/data/report/events 2>&1 | head -1
"$RDX" hunt --rule-link 'rules/%d.html' -r tests/data/report/rules tests/data/report/events 2>&1 | head -1
"$RDX" hunt --exclude-rules tests/data/report/no-such-list.txt -r tests/data/report/rules tests/data/report/events
echo "status $?"
