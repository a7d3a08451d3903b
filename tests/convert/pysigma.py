#!/usr/bin/env python3
"""tests/convert/pysigma.py — pySigma's SQLite backend as a second opinion.

For every SigmaHQ rule with regression data, over all the regression
events (the JSON files of sigma-regression/INDEX.tsv, every rule's):
  - hunt's detections (the reference);
  - ruledex's SQLite query over the flattened-events tables;
  - pySigma's SQLite backend (pysigma-backend-sqlite) query over the table
    it expects, `logs`, one row per event and a column per field (built
    from the same flattened events: each leaf name's first value, columns
    COLLATE NOCASE as Zircolite builds them).
Every rule where pySigma's answer differs from hunt's is written, with the
reason class, to the output file; run.sh compares it with the checked-in
tests/convert/pysigma-differences.txt, so a new difference (or one that
went away) is seen.  ruledex's own query must equal hunt on every rule.
"""
import json
import os
import re
import sqlite3
import subprocess
import sys


def main():
    ruledex, corpus, work, out = sys.argv[1:5]

    def rel(origin):   # the same text wherever the corpus is
        return origin[len(corpus):].lstrip("/") if origin.startswith(corpus) else origin
    reg = os.path.join(corpus, "sigma-regression")
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(reg, "INDEX.tsv"), encoding="utf-8")][1:]
    rules = {r[0]: (os.path.join(corpus, "sigma", r[1]), os.path.join(reg, r[3])) for r in rows}
    files = sorted({j for _, j in rules.values()})
    # hunt, once over every file
    cmd = [ruledex, "hunt", "-q", "-j", "2", "--format", "jsonl"]
    for p, _ in rules.values():
        cmd += ["-r", p]
    hunt = subprocess.run(cmd + files, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    want = {}
    for line in hunt.splitlines():
        d = json.loads(line)
        if "source" in d:
            want.setdefault(d["rule"]["id"], set()).add("%s:%d" % (d["source"]["file"], d["source"]["line"]))
    # the flattened events, and the wide table pySigma expects
    script = subprocess.run([ruledex, "convert", "--load-events", "-t", "sqlite"] + files,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    db = sqlite3.connect(":memory:")
    db.create_function("regexp", 2, lambda p, v: v is not None and re.search(p, v) is not None)
    db.executescript(script)
    cols = [c for (c,) in db.execute("SELECT DISTINCT field FROM fields WHERE leaf = 1 AND "
                                     "field NOT LIKE '%.%' ORDER BY field")]
    db.execute("CREATE TABLE logs (_origin TEXT, %s)" %
               ", ".join('"%s" TEXT COLLATE NOCASE' % c.replace('"', '""') for c in cols))
    idx = {c: i for i, c in enumerate(cols)}
    wide = {}
    for rid, origin in db.execute("SELECT rid, origin FROM events"):
        wide[rid] = [origin] + [None] * len(cols)
    for rid, f, v in db.execute("SELECT rid, field, value FROM fields WHERE leaf = 1 AND shadowed = 0 "
                                "AND field NOT LIKE '%.%' ORDER BY rid, rowid"):
        row = wide[rid]
        if row[1 + idx[f]] is None:
            row[1 + idx[f]] = v
    db.executemany("INSERT INTO logs VALUES (%s)" % ",".join("?" * (1 + len(cols))), wide.values())
    # the two converters
    from sigma.backends.sqlite import sqliteBackend
    from sigma.collection import SigmaCollection
    ours = {}
    conv = subprocess.run([ruledex, "convert", "-t", "sqlite", "--format", "jsonl"] +
                          sorted({p for p, _ in rules.values()}), stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout
    for line in conv.splitlines():
        q = json.loads(line)
        ours[q["id"]] = q.get("query")
    failed = 0
    lines = []
    for rid in sorted(rules):
        path, evfile = rules[rid]
        own = want.get(rid, set())
        prefix = ""   # every regression event: routing differences show too
        if ours.get(rid):
            got = {o for _, o in db.execute(ours[rid]) if o.startswith(prefix)}
            if got != {o for o in own if o.startswith(prefix)}:
                failed += 1
                print("FAIL ruledex sqlite %s: hunt %d, query %d" % (rid, len(own), len(got)))
        try:
            qs = sqliteBackend().convert(SigmaCollection.from_yaml(open(path, encoding="utf-8").read()))
        except Exception as e:   # noqa: BLE001 - a conversion failure is a difference
            lines.append("%s\tnot converted\t%s" % (rid, str(e).splitlines()[0][:120]))
            continue
        theirs = set()
        try:
            for q in qs:
                theirs |= {o for (o,) in db.execute("SELECT _origin FROM (%s)" % q.replace("SELECT *", "SELECT _origin", 1))
                           if o.startswith(prefix)}
        except sqlite3.Error as e:
            lines.append("%s\tquery error\t%s" % (rid, str(e)[:120]))
            continue
        own_here = {o for o in own if o.startswith(prefix)}
        if theirs != own_here:
            why = "pySigma matches more" if theirs > own_here else \
                  "pySigma matches fewer" if theirs < own_here else "pySigma matches other events"
            lines.append("%s\t%s\thunt %d, pySigma %d\t%s" % (
                rid, why, len(own_here), len(theirs),
                " ".join(["+" + rel(o) for o in sorted(theirs - own_here)] +
                         ["-" + rel(o) for o in sorted(own_here - theirs)])[:600]))
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(l + "\n" for l in lines))
    print("pysigma: %d rules, %d detections by hunt; ruledex's query equal to hunt on %d, "
          "pySigma differs on %d" % (len(rules), sum(len(v) for v in want.values()),
                                      len(rules) - failed, len(lines)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
