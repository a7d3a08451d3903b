#!/usr/bin/env python3
"""Measure which rules are noisy on ordinary hosts, and write data/noisy-rules.txt.

    build/ruledex hunt -q -f jsonl -r $C/sigma/rules -r $C/sigma/rules-emerging-threats \
        -r $C/sigma/rules-threat-hunting $C/evtx-samples/ > all.jsonl
    python3 scripts/measure-noisy-rules.py all.jsonl > data/noisy-rules.txt

The EVTX samples are of two kinds.  omerbenamram-evtx/ holds the evtx crate's
test logs: ordinary machines, no attack recorded — the baseline.  The rest
(EVTX-ATTACK-SAMPLES/<tactic>/, hayabusa-sample-evtx/<set>/<dir>/) each record
one attack technique, with whatever else the machine did meanwhile; a rule
that fires beside many unrelated techniques fires on that "meanwhile".

A rule is listed when its level is below high and either
  - it fires on the baseline logs (twice or more; once is enough below medium), or
  - its level is low or informational and it fires in the samples of five or
    more different attack themes.
High and critical rules are never listed: a responder should see those even
when they are frequent (log clearing fires in 64 samples because the sample
authors cleared logs before recording — a real event on a real host).
"""
import collections
import json
import sys

LEVELS = {"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}


def theme_of(path):
    parts = path.split("/evtx-samples/", 1)[-1].split("/")
    if parts[0] == "omerbenamram-evtx":
        return None                                   # the baseline
    if parts[0] == "EVTX-ATTACK-SAMPLES":
        return parts[1] if len(parts) > 2 else "root"
    return "/".join(parts[:3]) if len(parts) > 3 else "/".join(parts[:2])


def main():
    rules = collections.defaultdict(lambda: {"n": 0, "files": set(), "themes": set(), "baseline": 0})
    for line in open(sys.argv[1], encoding="utf-8"):
        d = json.loads(line)
        if "rule" not in d or "source" not in d:
            continue
        r = d["rule"]
        e = rules[(r["id"], r["title"], r["level"])]
        e["n"] += 1
        e["files"].add(d["source"]["file"])
        t = theme_of(d["source"]["file"])
        if t is None:
            e["baseline"] += 1
        else:
            e["themes"].add(t)
    listed = []
    for (rid, title, level), e in rules.items():
        lv = LEVELS.get(level, 0)
        if lv >= 4:
            continue
        why = None
        if e["baseline"] >= 2 or (e["baseline"] and lv <= 2):
            why = "baseline"
        elif lv <= 2 and len(e["themes"]) >= 5:
            why = "themes"
        if why:
            listed.append((why, -len(e["themes"]), -e["baseline"], title, rid, level, e))
    listed.sort()
    print("# Rules known to be noisy on ordinary hosts: `ruledex hunt --exclude-noisy`")
    print("# leaves their detections out of the output and counts them in the summary.")
    print("# Measured by scripts/measure-noisy-rules.py on the 568 EVTX samples with the")
    print("# SigmaHQ rules (method and figures: docs/CLI.md, \"Noise control\").")
    print("# Format: one rule id, name or title per line; '#' starts a comment.")
    print("# Figures per rule: level; detections on the baseline logs (omerbenamram-evtx);")
    print("# attack themes (sample folders) it fires in; detections in all.")
    for why, _, _, title, rid, level, e in listed:
        print(f"{rid}  # {title} — {level}; baseline {e['baseline']}; "
              f"themes {len(e['themes'])}; detections {e['n']}")


if __name__ == "__main__":
    main()
