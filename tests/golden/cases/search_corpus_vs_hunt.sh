# needs: corpus
# search finds the events hunt finds for the equivalent one-selection rule:
# a keyword rule, a routed process_creation rule, a contains|all rule.
S="$CORPUS/evtx-samples"
r="$TMPDIR_CASE/rules"
mkdir -p "$r"
rule() {   # rule NAME LOGSOURCE SELECTION
    printf 'title: %s\nid: 0000000%s-0000-4000-8000-000000000000\nlogsource: %s\ndetection:\n  selection:\n    %s\n  condition: selection\nlevel: high\n' \
        "$1" "${#1}" "$2" "$3" > "$r/$1.yml"
}
rule kw '{}' '- mimikatz'
rule proc '{product: windows, category: process_creation}' 'Image|endswith: \mimikatz.exe'
rule cmd '{product: windows}' "CommandLine|contains|all: [' /c ', 'cmd']"
rule lsass '{product: windows, category: process_access}' 'TargetImage|endswith: \lsass.exe'
origins() { python3 -c '
import sys, json
for l in sys.stdin:
    s = json.loads(l)["source"]
    print(s["file"], s.get("record_id", s.get("line")))' | sort; }
same() {   # same NAME SEARCH-ARGS...
    name=$1; shift
    "$RDX" hunt -q -f jsonl -r "$r/$name.yml" "$S" | origins > "$TMPDIR_CASE/h"
    "$RDX" search -q -f jsonl "$@" "$S" | origins > "$TMPDIR_CASE/s"
    if cmp -s "$TMPDIR_CASE/h" "$TMPDIR_CASE/s"; then echo "$name: same $(wc -l < "$TMPDIR_CASE/s") events"
    else echo "$name: DIFFERENT"; diff "$TMPDIR_CASE/h" "$TMPDIR_CASE/s" | head -5; fi
}
same kw -k mimikatz
same proc --logsource product=windows,category=process_creation -e 'Image|endswith: \mimikatz.exe'
same cmd --logsource product=windows -e "CommandLine|contains|all: [' /c ', 'cmd']"
same lsass --logsource product=windows,category=process_access -e 'TargetImage|endswith: \lsass.exe'
"$RDX" search -k mimikatz "$S" 2>&1 >/dev/null
echo "status $?"
