# needs: corpus
# On the 568 EVTX samples with the SigmaHQ rules: noise control and flood
# folding hide nothing.  Printed are only the checks, not the counts (which
# move with every fix of the readers and the rules).
R="-r $CORPUS/sigma/rules -r $CORPUS/sigma/rules-emerging-threats -r $CORPUS/sigma/rules-threat-hunting"
E=$CORPUS/evtx-samples
"$RDX" hunt -q -f jsonl --summary-record --exclude-noisy --dedup $R "$E" >"$TMPDIR_CASE/noise.jsonl" 2>/dev/null
"$RDX" hunt -q -f jsonl --summary-record $R "$E" >"$TMPDIR_CASE/all.jsonl" 2>/dev/null
"$RDX" hunt -q --color never $R "$E" >"$TMPDIR_CASE/folded.txt" 2>/dev/null
"$RDX" hunt -q -v --color never $R "$E" >"$TMPDIR_CASE/every.txt" 2>/dev/null
"$RDX" hunt --color never -j 1 --exclude-noisy $R "$E" >"$TMPDIR_CASE/j1.txt" 2>"$TMPDIR_CASE/j1.err"
"$RDX" hunt --color never -j 2 --exclude-noisy $R "$E" >"$TMPDIR_CASE/j2.txt" 2>"$TMPDIR_CASE/j2.err"
python3 - "$TMPDIR_CASE" <<'PY'
import json, sys, re
d = sys.argv[1]
def load(name):
    dets, summary = [], None
    for line in open(f"{d}/{name}", encoding="utf-8"):
        o = json.loads(line)
        if "summary" in o: summary = o["summary"]
        elif "event" in o: dets.append(o)
    return dets, summary["detections"], summary
noise, n, ns = load("noise.jsonl")
every, a, s = load("all.jsonl")
def check(ok, what): print(("ok - " if ok else "not ok - ") + what)
check(len(noise) == n["reported"], "with noise control, the JSON Lines hold exactly the detections shown")
check(n["reported"] + sum(n["suppressed"].values()) == n["total"] == a["total"] == len(every),
      "shown + suppressed = every detection of the hunt without noise control")
check(n["suppressed"]["noisy"] > 0 and n["suppressed"]["repeat"] > 0, "the noisy list and --dedup both suppress some")
check(sum(r["suppressed"] for r in ns["rules"]) == sum(n["suppressed"].values()), "suppressions are counted per rule")
check(sum(h["detections"] for h in s["hosts"]) == a["reported"], "the hosts' detections add up")
check(s["events"]["with_detection"] == len({(x["source"]["file"], x["source"].get("record_id")) for x in every}),
      "events with a detection are the distinct events of the JSON Lines")
folded = open(f"{d}/folded.txt", encoding="utf-8").read()
full = open(f"{d}/every.txt", encoding="utf-8").read()
folds = [int(m.replace(",", "")) for m in re.findall(r"^    ⋯ ([\d,]+) more on ", folded, re.M)]
heads = len(re.findall(r"^\S.*  [0-9a-f-]{36}$", folded, re.M)) - len(folds)
check(len(re.findall(r"^\S.*  [0-9a-f-]{36}$", full, re.M)) == a["total"], "--verbose shows every detection in the table")
check(folds and heads + sum(folds) == a["total"], "the folded table shows or counts every detection")
check(len(folded.splitlines()) * 2 < len(full.splitlines()), "folding floods halves the table at least")
PY
cmp -s "$TMPDIR_CASE/j1.txt" "$TMPDIR_CASE/j2.txt" && cmp -s "$TMPDIR_CASE/j1.err" "$TMPDIR_CASE/j2.err" && echo "ok - the table and the summary are the same for 1 and 2 threads"
