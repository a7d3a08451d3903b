# needs: corpus
# The second seed page, found by id, as Markdown.
"$RDX" show 5a3164f2-b373-4152-93cf-090b13c12d27 -r "$CORPUS/sigma" -a "$CORPUS/attack/enterprise-attack.json" --format md
