# A small catalog site: the files it writes and what the index says.
"$RDX" catalog -r examples/rules --no-attack -o "$TMPDIR_CASE/site" -j 2 2>&1 | sed "s/ in .*site, [0-9.]* s$/ (timing removed)/"
echo "status $?"
cd "$TMPDIR_CASE/site" && ls && ls rules | wc -l && grep -o "<p>[0-9]* rules, [0-9]* distinct indicators.</p>" index.html
# OUTDIR that is not a catalog is never replaced
mkdir "$TMPDIR_CASE/other" && touch "$TMPDIR_CASE/other/keep"
"$RDX" catalog -r examples/rules --no-attack -o "$TMPDIR_CASE/other" 2>&1 | sed "s|$TMPDIR_CASE|TMP|"
echo "status $?"
ls "$TMPDIR_CASE/other"
