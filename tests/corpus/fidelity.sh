#!/bin/sh
# fidelity.sh — an EVTX file and its `ruledex dump` give the same
# detections, and the white-space rule holds on real samples (docs/FIELDS.md).
#
#   evtx-vs-json  every EVTX sample is dumped as JSON Lines; hunting the
#                 samples and hunting the dumps with the whole SigmaHQ set
#                 give the same detections: rule, file, record id, time and
#                 host (tests/corpus/same_detections.py)
#   trimmed       the dumps with white space trimmed from the end of every
#                 string (what older evtx_dump versions, and so SigmaHQ's
#                 regression data, wrote) give those detections too: the
#                 equality rule makes trimming irrelevant
#   NtLmSsp       Windows logs LogonProcessName "NtLmSsp "; dump keeps the
#                 space, and SigmaHQ's 'NtLmSsp' rule finds the events in
#                 the EVTX and in its JSON alike
#   timeline      the CSV timeline of the samples: every time with its 100 ns
#                 digits, rows in order of instant
#   unmapped      the fields SigmaHQ's rules read that one source of their
#                 logsource records and another never does are exactly
#                 tests/corpus/unmapped-fields.txt
#
# Needs the corpus (../shared/corpus or RDX_CORPUS) and python3; without the
# corpus it says so and skips, unless RDX_REQUIRE_CORPUS=1, which makes that
# a failure.  Takes about half a minute.  Ends with
# "fidelity: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
RDX=$(pwd)/$B/ruledex
C=${RDX_CORPUS:-../shared/corpus}
export RDX_NO_PROGRESS=1 NO_COLOR=1
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL fidelity $1"; }
check() {   # check NAME COMMAND...
    name=$1
    shift
    if "$@"; then ok; else no "$name"; fi
}

if [ ! -d "$C/evtx-samples" ] || [ ! -d "$C/sigma/rules" ]; then
    if [ "${RDX_REQUIRE_CORPUS:-}" = 1 ]; then
        echo "FAIL fidelity: the corpus is required (RDX_REQUIRE_CORPUS=1) but $C is absent"
        echo "fidelity: 0 passed, 1 failed, 0 skipped"
        exit 1
    fi
    echo "skip fidelity: no corpus at $C (set RDX_CORPUS)"
    echo "fidelity: 0 passed, 0 failed, 1 skipped"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
S=$C/evtx-samples

# ---- evtx-vs-json: the whole sample set, the whole SigmaHQ set ------------------------

mkdir "$T/json" "$T/trimmed"
dumped=0 damaged=0
find "$S" -name '*.evtx' | sort >"$T/files"
while IFS= read -r f; do
    name=$(printf '%s' "${f#"$S"/}" | tr '/ ' '__').jsonl
    "$RDX" dump "$f" >"$T/json/$name" 2>>"$T/dump.err"
    rc=$?
    [ $rc = 0 ] || damaged=$((damaged + 1))
    [ $rc -le 1 ] || no "dump $f: exit $rc"
    dumped=$((dumped + 1))
done <"$T/files"
echo "  dump: $dumped files ($damaged with damaged records, reported)"
check "dump: every sample dumped ($dumped)" [ "$dumped" -ge 500 ]

hunt() {   # hunt OUT INPUT
    "$RDX" hunt -f jsonl -r "$C/sigma" "$2" >"$1" 2>"$1.err"
    rc=$?
    [ $rc = 0 ] || [ $rc = 1 ] || [ $rc = 4 ] || [ $rc = 5 ]
}
check "hunt the EVTX samples" hunt "$T/evtx.out" "$S"
check "hunt their dumps as JSON Lines" hunt "$T/json.out" "$T/json"
python3 tests/corpus/same_detections.py "$T/evtx.out" "$T/json.out" "$S/" "$T/json/" >"$T/cmp" 2>&1
rc=$?
sed 's/^/  evtx-vs-json: /' "$T/cmp" | tail -n 41
check "evtx-vs-json: the same detections" [ $rc = 0 ]
n=$(wc -l <"$T/evtx.out")
check "evtx-vs-json: detections found ($n)" [ "$n" -gt 1000 ]

# ---- trimmed: white space at the end of strings makes no difference -----------------------

python3 - "$T/json" "$T/trimmed" <<'PY'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
def trim(v):
    if isinstance(v, dict):
        return {k: trim(x) for k, x in v.items()}
    if isinstance(v, list):
        return [trim(x) for x in v]
    return v.rstrip() if isinstance(v, str) else v
changed = 0
for name in os.listdir(src):
    with open(os.path.join(src, name), encoding="utf-8", errors="surrogateescape") as i, \
         open(os.path.join(dst, name), "w", encoding="utf-8", errors="surrogateescape") as o:
        for line in i:
            t = json.dumps(trim(json.loads(line)), ensure_ascii=False)
            changed += t != json.dumps(json.loads(line), ensure_ascii=False)
            o.write(t + "\n")
print(f"  trimmed: {changed} events had white space at the end of a string")
PY
check "hunt the trimmed dumps" hunt "$T/trimmed.out" "$T/trimmed"
python3 tests/corpus/same_detections.py "$T/json.out" "$T/trimmed.out" "$T/json/" "$T/trimmed/" >"$T/cmp" 2>&1
rc=$?
sed 's/^/  trimmed: /' "$T/cmp" | tail -n 41
check "trimmed: the same detections" [ $rc = 0 ]

# ---- NtLmSsp: a value logged with a trailing space ----------------------------------------

pth=$C/sigma/rules/windows/builtin/security/account_management/win_security_pass_the_hash_2.yml
if [ -f "$pth" ]; then
    spaced=$(cat "$T"/json/*.jsonl | grep -c '"LogonProcessName":"NtLmSsp "')
    check "NtLmSsp: dump keeps the space ($spaced events)" [ "$spaced" -gt 100 ]
    check "NtLmSsp: no value trimmed to NtLmSsp" \
        sh -c "! cat '$T'/json/*.jsonl | grep -q '\"LogonProcessName\":\"NtLmSsp\"'"
    e=$("$RDX" hunt -f jsonl -r "$pth" "$S" 2>/dev/null | wc -l)
    j=$("$RDX" hunt -f jsonl -r "$pth" "$T/json" 2>/dev/null | wc -l)
    echo "  NtLmSsp: Pass the Hash Activity 2: $e detections in the EVTX, $j in the JSON"
    check "NtLmSsp: 'NtLmSsp' finds \"NtLmSsp \" in the EVTX ($e)" [ "$e" -gt 0 ]
    check "NtLmSsp: and as many in the JSON ($j)" [ "$e" = "$j" ]
else
    skip=$((skip + 1))
    echo "skip fidelity NtLmSsp: no $pth"
fi

# ---- timeline: EVTX times to 100 ns, in order of instant -------------------------------

"$RDX" hunt -q -f csv -r "$C/sigma/rules" "$S" >"$T/timeline.csv" 2>/dev/null
python3 - "$T/timeline.csv" >"$T/tl" 2>&1 <<'PY'
import csv, re, sys
ts = [r["Timestamp"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
# 7 digits from the FILETIME; a few forwarded records carry their time as
# text with 9 ("...12.672354100Z"), kept as logged
form = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7})(\d\d)?Z")
keys = [m.group(1) if (m := form.fullmatch(t)) else None for t in ts]
full = sum(k is not None for k in keys)
back = sum(1 for a, b in zip(keys, keys[1:]) if a and b and a > b)
print(f"{len(ts)} rows, {full} with UTC times to 100 ns, {back} out of order")
sys.exit(0 if ts and full == len(ts) and back == 0 else 1)
PY
rc=$?
echo "  timeline: $(cat "$T/tl")"
check "timeline: every EVTX time has 100 ns digits, rows in order of instant" [ $rc = 0 ]

# ---- unmapped: fields one source of a logsource has and another never has -----------------
#
# Every field every SigmaHQ rule reads, checked against the events of each
# source its logsource covers (ruledex coverage): what one source records
# and another never does is a mapping data/logsources.yml lacks, or a field
# that log does not have.  The list must be the checked-in one
# (tests/corpus/unmapped-fields.txt, each with its reason): a new entry is
# a missing mapping to add; an entry that went away leaves the file.

"$RDX" coverage -f json -r "$C/sigma/rules" -r "$C/sigma/rules-emerging-threats" \
    -r "$C/sigma/rules-threat-hunting" "$S" >"$T/coverage.json" 2>"$T/coverage.err"
check "unmapped: coverage runs (exit $?)" [ -s "$T/coverage.json" ]
python3 -c '
import json, sys
for u in json.load(open(sys.argv[1]))["unmapped"]:
    print("\t".join([u["logsource"], u["source"], u["field"]]))
' "$T/coverage.json" | LC_ALL=C sort >"$T/unmapped.got"
grep -v '^#' tests/corpus/unmapped-fields.txt | cut -f1-3 | LC_ALL=C sort >"$T/unmapped.want"
if cmp -s "$T/unmapped.got" "$T/unmapped.want"; then
    ok
    echo "  unmapped: $(wc -l <"$T/unmapped.got") fields with no counterpart, as listed"
else
    no "unmapped: coverage differs from tests/corpus/unmapped-fields.txt (+ new, - gone):"
    diff "$T/unmapped.want" "$T/unmapped.got" | sed -n 's/^[<>]/  &/p' | sed 's/^  </  -/; s/^  >/  +/'
fi

echo "fidelity: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
