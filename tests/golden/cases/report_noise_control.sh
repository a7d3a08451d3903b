# Noise control counts what it hides: an exclusion list (by title; an id
# nobody has is a warning with file and line), an excluded status, and
# repeats of the same rule, host and key fields within 10 minutes.  The JSON
# Lines end with the summary record (--summary-record).
"$RDX" hunt -f jsonl --summary-record --exclude-rules tests/data/report/exclude.txt \
    --exclude-status experimental --dedup=10m -r tests/data/report/rules tests/data/report/events
echo "status $?"
# everything suppressed: nothing found (exit 0), every detection still counted
"$RDX" hunt -f jsonl --exclude-status stable,test,experimental -r tests/data/report/rules tests/data/report/events
echo "status $?"
