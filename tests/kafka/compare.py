#!/usr/bin/env python3
"""compare.py — the detections `ruledex stream` produced against those of
`ruledex hunt --format jsonl` on the same events (tests/kafka/run.sh).

    compare.py HUNT.jsonl STREAM.jsonl [--kind events|correlations]

The stream's records are first deduplicated by detection_id (at-least-once:
a failover may produce a detection twice, with the same id).  Then the two
sides are compared as multisets: a detection is its rule id and its event
(the event JSON, which both write the same way; the origin differs: a file
and line for hunt, a topic, partition and offset for stream); a
correlation detection is its rule id, group, window, aggregate and the
number of events behind it.  Prints the differences; exit 1 if any.
"""
import collections
import json
import sys


def load(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def project(rec, kind):
    if "warning" in rec:
        return None
    if "correlation" in rec:
        if kind != "correlations":
            return None
        c = rec["correlation"]
        n = sum(len(e.split(" ")) for e in c["events"]) + c.get("events_omitted", 0)
        return json.dumps([rec["rule"]["id"], c["type"], c["group"], c["window"],
                           c["aggregate"], n], sort_keys=True)
    if kind != "events":
        return None
    return json.dumps([rec["rule"]["id"], rec["event"]], sort_keys=True)


def main():
    hunt_path, stream_path = sys.argv[1], sys.argv[2]
    kind = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--kind" else "events"
    seen, stream, dups = set(), [], 0
    for rec in load(stream_path):
        i = rec.get("detection_id")
        if i is not None:
            if i in seen:
                dups += 1
                continue
            seen.add(i)
        stream.append(rec)
    a = collections.Counter(p for p in (project(r, kind) for r in load(hunt_path)) if p)
    b = collections.Counter(p for p in (project(r, kind) for r in stream) if p)
    missing, extra = a - b, b - a
    print(f"compare: {sum(a.values())} {kind} from hunt, {sum(b.values())} from stream "
          f"after removing {dups} duplicates")
    for k, n in list(missing.items())[:5]:
        print(f"  missing from stream ({n}): {k[:300]}")
    for k, n in list(extra.items())[:5]:
        print(f"  only in stream ({n}): {k[:300]}")
    sys.exit(1 if missing or extra or not a else 0)


if __name__ == "__main__":
    main()
