#!/usr/bin/env python3
"""Write the oracle's correlation cases into DIR: per case NAME.yml (rules a,
b, c and one correlation) and NAME.jsonl (its events, sorted by time, as
rsigma judges events in arrival order).  The notation is that of
tests/unit/test_correlate.c: "a@0:u=7" is rule a's event (EventID 1) at
10:00:00 for User u with Val 7.

    python3 cases.py DIR
"""
import os, sys

BASE = """title: rule a
name: a
id: 00000000-0000-4000-8000-00000000000a
logsource: {product: windows}
detection: {sel: {EventID: 1}, condition: sel}
---
title: rule b
name: b
id: 00000000-0000-4000-8000-00000000000b
logsource: {product: windows}
detection: {sel: {EventID: 2}, condition: sel}
---
title: rule c
name: c
id: 00000000-0000-4000-8000-00000000000c
logsource: {product: windows}
detection: {sel: {EventID: 3}, condition: sel}
---
"""

def corr(type_, cond="", by="User", span="5m", rules="[a, b, c]"):
    return ("title: corr %s\nid: 00000000-0000-4000-8000-0000000000ff\nlevel: high\n"
            "correlation:\n    type: %s\n    rules: %s\n    group-by: [%s]\n"
            "    timespan: %s\n%s" % (type_, type_, rules, by, span, cond))

COUNT3 = corr("event_count", "    condition: {gte: 3}\n")
CASES = [
    ("count_fires", COUNT3, "a@0:u a@60:u b@120:u"),
    ("count_below", COUNT3, "a@0:u a@60:u"),
    ("count_two_groups", COUNT3, "a@0:u a@60:v b@120:u"),
    ("count_twice", COUNT3, "a@0:u a@1:u a@2:u a@3:u a@4:u a@5:u"),
    ("count_edge_exact", COUNT3, "a@0:u a@100:u a@300:u"),
    ("count_edge_over", COUNT3, "a@0:u a@100:u a@301:u"),
    ("count_range", corr("event_count", "    condition: {gt: 2, lte: 4}\n"), "a@0:u a@1:u a@2:u"),
    ("value_count", corr("value_count", "    condition: {field: Val, gte: 3}\n"),
     "a@0:u=1 a@1:u=2 a@2:u=2 a@3:u=3"),
    ("temporal", corr("temporal"), "c@0:u a@10:u b@20:u"),
    ("temporal_missing", corr("temporal"), "a@0:u b@10:u b@20:u"),
    ("ordered", corr("temporal_ordered"), "a@0:u b@10:u c@20:u"),
    ("ordered_acb", corr("temporal_ordered"), "a@0:u c@10:u b@20:u"),
    ("ordered_acbc", corr("temporal_ordered"), "a@0:u c@10:u b@20:u c@30:u"),
    ("ordered_tie_in_order", corr("temporal_ordered"), "a@5:u b@5:u c@5:u"),
    ("ordered_tie_reversed", corr("temporal_ordered"), "b@5:u a@5:u c@5:u"),
    ("sum", corr("value_sum", "    condition: {field: Val, gt: 100}\n"), "a@0:u=60 a@1:u=41"),
    ("avg", corr("value_avg", "    condition: {field: Val, gte: 10}\n"), "a@0:u=4 a@1:u=4 a@2:u=22"),
    ("median", corr("value_median", "    condition: {field: Val, gte: 16}\n"),
     "a@0:u=1 a@1:u=2 a@2:u=30 a@3:u=40"),
    ("percentile", corr("value_percentile", "    condition: {field: Val, gte: 9.1, percentile: 90}\n"),
     " ".join("a@%d:u=%d" % (i, i + 1) for i in range(10))),
    # rsigma 0.23.0 reads thresholds as integers only; the same
    # interpolation (p90 of 1..10 is 9.1) judged by an integer bound
    ("percentile_int", corr("value_percentile", "    condition: {field: Val, gt: 9, percentile: 90}\n"),
     " ".join("a@%d:u=%d" % (i, i + 1) for i in range(10))),
    ("percentile_int_below", corr("value_percentile", "    condition: {field: Val, gte: 10, percentile: 90}\n"),
     " ".join("a@%d:u=%d" % (i, i + 1) for i in range(10))),
    ("missing_group", COUNT3, "a@0 a@1 a@2"),
]

def event(tok):
    rule, rest = tok.split("@")
    val = None
    if "=" in rest:
        rest, val = rest.split("=")
    user = None
    if ":" in rest:
        rest, user = rest.split(":")
    secs = float(rest)
    s = int(secs)
    e = '{"EventID":%d,"UtcTime":"2024-05-01T%02d:%02d:%02dZ"' % (
        ord(rule) - ord("a") + 1, 10 + s // 3600, s // 60 % 60, s % 60)
    if user:
        e += ',"User":"%s"' % user
    if val is not None:
        e += ',"Val":%s' % val
    return secs, e + "}"

def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, yml, spec in CASES:
        with open(os.path.join(out, name + ".yml"), "w") as f:
            f.write(BASE + yml)
        evs = sorted((event(t) for t in spec.split()), key=lambda x: x[0])
        with open(os.path.join(out, name + ".jsonl"), "w") as f:
            for _, e in evs:
                f.write(e + "\n")

main()
