# --report writes one self-contained HTML page: no script, no resource, a
# CSP that forbids loading anything; the computer name and the rule titles
# are HTML-escaped; each rule links to rules/<id>.html (or PATTERN).
"$RDX" hunt -q --report "$TMPDIR_CASE/r.html" --rule-link '../catalog/rules/%s.html' \
    --exclude-status experimental -r tests/data/report/rules tests/data/report/events >/dev/null
echo "status $?"
sed "s|$TMPDIR_CASE|TMP|g" "$TMPDIR_CASE/r.html"
grep -c '<script' "$TMPDIR_CASE/r.html"
