# needs: corpus
# Standalone HTML written atomically with --output.
"$RDX" show 5a3164f2-b373-4152-93cf-090b13c12d27 -r "$CORPUS/sigma/rules/windows/process_creation" -a "$CORPUS/attack/enterprise-attack.json" -f html -o "$TMPDIR_CASE/page.html"
echo "status $?"
ls "$TMPDIR_CASE"
grep -c "<section" "$TMPDIR_CASE/page.html"
grep -o "<h1>[^<]*</h1>" "$TMPDIR_CASE/page.html"
