#!/usr/bin/env python3
"""same_detections.py — are two `ruledex hunt -f jsonl` outputs the same detections?

Usage: same_detections.py A.jsonl B.jsonl [ROOT_A ROOT_B]

A detection is (the rule's id, the file it came from, the event's record id,
its time and its host), read from the event itself (System.EventRecordID,
System.TimeCreated.SystemTime, System.Computer), so that a hunt of an .evtx
and a hunt of its `ruledex dump` as JSON Lines can be compared although the
source offsets differ (a byte offset against a line).  Files are named by
their path below ROOT_A / ROOT_B with '/' and ' ' turned into '_' and any
.evtx/.jsonl extension dropped (tests/corpus/fidelity.sh names its dumps so).

Prints each difference (at most 40 each way) and a last line
"same detections: N of A, N of B, N only in A, N only in B"; exits 1 if any.
"""
import collections
import json
import sys


def key_of(d, root):
    ev = d["event"]
    sysd = ev.get("Event", {}).get("System", {})
    tc = sysd.get("TimeCreated", {})
    t = tc.get("#attributes", {}).get("SystemTime") if isinstance(tc, dict) else None
    f = d["source"]["file"]
    if root and f.startswith(root):
        f = f[len(root):].lstrip("/")
    for ext in (".jsonl", ".evtx"):
        if f.endswith(ext):
            f = f[: -len(ext)]
    f = f.replace("/", "_").replace(" ", "_")
    return (d["rule"]["id"] or d["rule"]["title"], f, sysd.get("EventRecordID"), t, sysd.get("Computer"))


def load(path, root):
    c = collections.Counter()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                c[key_of(json.loads(line), root)] += 1
    return c


def main():
    a_path, b_path = sys.argv[1], sys.argv[2]
    ra = sys.argv[3] if len(sys.argv) > 3 else ""
    rb = sys.argv[4] if len(sys.argv) > 4 else ""
    a, b = load(a_path, ra), load(b_path, rb)
    only_a, only_b = a - b, b - a
    for name, only in (("only in A", only_a), ("only in B", only_b)):
        for i, (k, n) in enumerate(sorted(only.items(), key=str)):
            if i == 40:
                print(f"  ... {len(only) - 40} more {name}")
                break
            print(f"  {name}: {n}x rule {k[0]} file {k[1]} record {k[2]} time {k[3]} host {k[4]}")
    na, nb = sum(a.values()), sum(b.values())
    ia, ib = sum(only_a.values()), sum(only_b.values())
    print(f"same detections: {na} of A, {nb} of B, {ia} only in A, {ib} only in B")
    return 1 if ia or ib else 0


if __name__ == "__main__":
    sys.exit(main())
