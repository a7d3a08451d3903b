#!/bin/sh
# run.sh — the whole corpus through every output the CLI has, and, in the
# sanitizer build (make check SAN=1, which CI runs), with zero reports.
#
#   hunt      every EVTX sample (../shared/corpus/evtx-samples) with every
#             SigmaHQ rule (../shared/corpus/sigma) as a table, as JSON Lines
#             and as a CSV timeline: no crash, no sanitizer report, an exit
#             status that means something (0, 1, 4, 5), and the three agree
#             on the number of detections with the summary
#   csv       a timeline with zero rows (a header, nothing else)
#   show      seed rules (one per file of a few directories, a correlation,
#             a placeholder rule) in text, Markdown, HTML and JSON
#   catalog   the whole SigmaHQ set with the ATT&CK bundle: every page, the
#             JSON files, and no page shows a raw control character
#
# A sanitizer report ends the process (abort_on_error, halt_on_error) and
# is also looked for on stderr.  Without the corpus the suite says so and
# skips, unless RDX_REQUIRE_CORPUS=1 (CI), which makes that a failure.
# Ends with "corpus: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
RDX=$(pwd)/$B/ruledex
C=${RDX_CORPUS:-../shared/corpus}
export RDX_NO_PROGRESS=1 NO_COLOR=1
case $B in
*san*)
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}abort_on_error=1:detect_leaks=1"
    UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1"
    export ASAN_OPTIONS UBSAN_OPTIONS ;;
esac
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL corpus $1"; }
check() {   # check NAME COMMAND...
    name=$1
    shift
    if "$@"; then ok; else no "$name"; fi
}

if [ ! -d "$C/evtx-samples" ] || [ ! -d "$C/sigma/rules" ]; then
    if [ "${RDX_REQUIRE_CORPUS:-}" = 1 ]; then
        echo "FAIL corpus: the corpus is required (RDX_REQUIRE_CORPUS=1) but $C is absent"
        echo "corpus: 0 passed, 1 failed, 0 skipped"
        exit 1
    fi
    echo "skip corpus: no corpus at $C (set RDX_CORPUS)"
    echo "corpus: 0 passed, 0 failed, 1 skipped"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# clean: no sanitizer report and no crash in what stderr says
clean() { ! grep -q "AddressSanitizer\|LeakSanitizer\|UndefinedBehaviorSanitizer\|runtime error:" "$1"; }
status_ok() { [ "$1" = 0 ] || [ "$1" = 1 ] || [ "$1" = 4 ] || [ "$1" = 5 ]; }
loaded() { [ "$1" = 0 ] || [ "$1" = 4 ]; }   # 4: some SigmaHQ documents (unsupported/) do not load

# ---- hunt: every format --------------------------------------------------------------

for f in table jsonl csv; do
    start=$(date +%s)
    "$RDX" hunt -f "$f" -r "$C/sigma" "$C/evtx-samples" >"$T/out.$f" 2>"$T/err.$f"
    rc=$?
    echo "  hunt -f $f: exit $rc in $(( $(date +%s) - start )) s"
    check "hunt -f $f: exit status $rc" status_ok $rc
    check "hunt -f $f: no sanitizer report" clean "$T/err.$f"
done
det=$(sed -n 's/,//g; s/^detections: \([0-9]*\).*/\1/p' "$T/err.jsonl")
check "hunt: detections found on the samples ($det)" [ "${det:-0}" -gt 1000 ]
check "hunt -f jsonl: one line per detection" [ "$(wc -l <"$T/out.jsonl")" = "$det" ]
check "hunt -f csv: one row per detection, and the header" [ "$(wc -l <"$T/out.csv")" = $((det + 1)) ]
# floods are folded (docs/CLI.md): three lines per detection shown, two per
# folded entry, whose count says how many it stands for
folds=$(grep -c '^    ⋯ [0-9,]* more on ' "$T/out.table")
folded=$(sed -n 's/,//g; s/^    ⋯ \([0-9]*\) more on .*/\1/p' "$T/out.table" | awk '{ s += $1 } END { print s + 0 }')
check "hunt -f table: three lines per detection shown, two per folded flood" \
    [ "$(wc -l <"$T/out.table")" = $(((det - folded) * 3 + folds * 2)) ]
for f in table jsonl csv; do
    check "hunt -f $f: the same summary as jsonl" \
        [ "$(grep '^detections:' "$T/err.$f")" = "$(grep '^detections:' "$T/err.jsonl")" ]
done
# item 0 of issue 15: unnamed <Data> in Application logs (details digest)
app="$C/evtx-samples/EVTX-ATTACK-SAMPLES/Credential Access/dc_applog_ntdsutil_dfir_325_326_327.evtx"
if [ -f "$app" ]; then
    "$RDX" hunt -f csv -r "$C/sigma" "$app" >"$T/app.csv" 2>"$T/err"
    check "unnamed Data: details shown (Data: ...)" grep -q "Data: " "$T/app.csv"
    check "unnamed Data: no sanitizer report" clean "$T/err"
fi

# ---- a CSV timeline with zero rows ------------------------------------------------------

"$RDX" hunt -f csv -r "$C/sigma/rules/windows/process_creation/proc_creation_win_wsl_child_processes_anomalies.yml" \
    "$C/evtx-samples/EVTX-ATTACK-SAMPLES/UACME_59_Sysmon.evtx" >"$T/zero.csv" 2>"$T/err"
rc=$?
check "csv with zero rows: exit 0 (got $rc)" [ $rc = 0 ]
check "csv with zero rows: the header alone" \
    [ "$(cat "$T/zero.csv")" = "Timestamp,Computer,Channel,EventID,Level,RuleTitle,RuleID,Details,Tactics,Techniques,File,Record" ]
check "csv with zero rows: no sanitizer report" clean "$T/err"

# ---- show: seed rules in every format ------------------------------------------------------

for rule in \
    "$C/sigma/rules/windows/process_creation/proc_creation_win_wsl_child_processes_anomalies.yml" \
    5a3164f2-b373-4152-93cf-090b13c12d27 \
    "$(ls "$C"/sigma/rules-placeholder/windows/*/*.yml 2>/dev/null | head -1)" \
    "$(grep -rl '^correlation:' "$C/sigma" 2>/dev/null | head -1)"; do
    [ -n "$rule" ] || continue
    for fmt in text md html json; do
        "$RDX" show "$rule" -r "$C/sigma" -a "$C/attack/enterprise-attack.json" -f "$fmt" >"$T/page" 2>"$T/err"
        rc=$?
        check "show $(basename "$rule") -f $fmt: exit $rc" loaded $rc
        check "show $(basename "$rule") -f $fmt: a page" [ -s "$T/page" ]
        check "show $(basename "$rule") -f $fmt: no sanitizer report" clean "$T/err"
    done
done

# ---- catalog: the whole set ---------------------------------------------------------------

start=$(date +%s)
"$RDX" catalog -r "$C/sigma" -a "$C/attack/enterprise-attack.json" -o "$T/site" -q 2>"$T/err"
rc=$?
echo "  catalog: exit $rc in $(( $(date +%s) - start )) s"
check "catalog: exit $rc" loaded $rc
check "catalog: no sanitizer report" clean "$T/err"
check "catalog: a page per rule" [ "$(ls "$T/site/rules" | wc -l)" -gt 3900 ]
ctl=$(printf '[\001-\010\013-\037\177]')
check "catalog: no raw control character in any page" sh -c "! LC_ALL=C grep -rlq '$ctl' '$T/site'"

echo "corpus: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
