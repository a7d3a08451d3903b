# needs: corpus
# The same rule as JSON (the rule object of catalog.json), counted over two named sources.
"$RDX" show 5a3164f2-b373-4152-93cf-090b13c12d27 -r sigma:"$CORPUS/sigma/rules" -r emerging:"$CORPUS/sigma/rules-emerging-threats" -a "$CORPUS/attack/enterprise-attack.json" --format json
