#!/usr/bin/env python3
"""Converted correlation rules against `ruledex hunt` (docs/CONVERT.md, "Window semantics").

The events of tests/convert/corr/ and tests/data/correlation/ are loaded into each
engine from its own `convert --load-events` script; every correlation rule of
tests/convert/corr/rules.yml is converted; hunt runs the same rules over the same
events.  For each converted correlation, by the stated comparison rule:

  - the set of groups the query reports equals the set of groups hunt reports;
  - every hunt detection ends at a window end the query reports for its group, with
    an aggregate at least hunt's (the query's window holds hunt's consumed one);
  - the first window end per group is the same in both.

The rules that are not convertible must say why; those reasons are checked too.
Prints "engine corr-ENGINE: N passed, N failed" per engine.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys

EXPECTED_NOT_CONVERTIBLE = {
    "c0ffee00-0000-4000-8000-00000000000b": "condition lt is not converted",
    "c0ffee00-0000-4000-8000-00000000000c": "type value_sum is not converted",
}


def ticks(iso):
    # "2024-05-01T10:02:25.0000000Z": 100-ns ticks since 1970, UTC
    date, frac = iso.rstrip("Z").split(".") if "." in iso else (iso.rstrip("Z"), "0")
    dt = datetime.datetime.strptime(date, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int(dt.timestamp()) * 10_000_000 + int((frac + "0000000")[:7])


def hunt(ruledex, rules, events):
    p = subprocess.run([ruledex, "hunt", "-q", "-j", "2", "-f", "jsonl", "-r", rules] + events,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        sys.exit("hunt failed (%d): %s" % (p.returncode, p.stderr.decode()[:2000]))
    out = {}   # rule id -> group tuple -> [(end ticks, aggregate)]
    for line in p.stdout.splitlines():
        d = json.loads(line)
        c = d.get("correlation")
        if not c:
            continue
        g = tuple(c["group"].values())
        out.setdefault(d["rule"]["id"], {}).setdefault(g, []).append(
            (ticks(c["window"]["end"]), c["aggregate"]["value"]))
    return out


def sql_windows(rows, n_groups):
    got = {}   # group tuple -> {end: aggregate}
    for row in rows:
        g = tuple(row[:n_groups])
        got.setdefault(g, {})[row[n_groups + 1]] = row[n_groups + 2]
    return got


def compare(name, rid, want, got):
    errs = []
    if set(want) != set(got):
        errs.append("groups: hunt %s, query %s" % (sorted(map(str, want)), sorted(map(str, got))))
    for g in set(want) & set(got):
        for end, agg in want[g]:
            if end not in got[g]:
                errs.append("group %s: hunt's window end %d is not one of the query's" % (g, end))
            elif got[g][end] < agg:
                errs.append("group %s at %d: query aggregate %s < hunt's %s" % (g, end, got[g][end], agg))
        if min(e for e, _ in want[g]) != min(got[g]):
            errs.append("group %s: first window end hunt %d, query %d"
                        % (g, min(e for e, _ in want[g]), min(got[g])))
    for e in errs:
        print("FAIL %s %s: %s" % (name, rid, e))
    return not errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ruledex", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--engines", default="sqlite")
    a = ap.parse_args()
    rules = "tests/convert/corr/rules.yml"
    events = ["tests/convert/corr/events.jsonl", "tests/data/correlation/brute",
              "tests/data/correlation/scenarios"]
    want = hunt(a.ruledex, rules, events)
    engines = []
    for e in a.engines.split(","):
        if e == "sqlite":
            import sqlite3
            engines.append(("sqlite", lambda: sqlite3.connect(":memory:"),
                            lambda db, s: db.executescript(s)))
        elif e == "duckdb":
            import duckdb
            engines.append(("duckdb", lambda: duckdb.connect(":memory:"),
                            lambda db, s: db.execute(s)))
        elif e == "chdb":
            engines.append(("chdb", None, None))
    ok_all = True
    for name, connect, script in engines:
        if name == "chdb":
            passed, failed = run_engine_chdb(a, rules, events, want)
            print("engine corr-%s: %d passed, %d failed" % (name, passed, failed))
            ok_all = ok_all and failed == 0
            continue
        load = os.path.join(a.work, "corr-load-%s.sql" % name)
        with open(load, "wb") as f:
            p = subprocess.run([a.ruledex, "convert", "--load-events", "-t", name] + events,
                               stdout=f, stderr=subprocess.PIPE)
        if p.returncode != 0:
            sys.exit("convert --load-events failed: %s" % p.stderr.decode())
        db = connect()
        script(db, open(load, encoding="utf-8").read())
        passed, failed = check_queries(a, name, rules, want, lambda q: db.execute(q).fetchall())
        print("engine corr-%s: %d passed, %d failed" % (name, passed, failed))
        ok_all = ok_all and failed == 0
    sys.exit(0 if ok_all else 1)


def run_engine_chdb(a, rules, events, want):
    """ClickHouse in-process, loaded statement by statement as check.py does."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import check
    rows_sql = os.path.join(a.work, "corr-load-chdb-rows.sql")
    with open(rows_sql, "wb") as f:
        subprocess.run([a.ruledex, "convert", "--load-events", "--no-schema", "-t", "clickhouse"]
                       + events, stdout=f, stderr=subprocess.PIPE, check=True)
    schema = subprocess.run([a.ruledex, "convert", "--schema", "-t", "clickhouse"],
                            stdout=subprocess.PIPE, check=True).stdout.decode()
    eng = check.Chdb(schema, script=rows_sql, work=a.work)

    def rows(q):
        res = eng.s.query(q, "TabSeparated")
        text = res.bytes().decode("utf-8") if hasattr(res, "bytes") else str(res)
        out = []
        for line in text.splitlines():
            cells = [None if c == "\\N" else check.unescape_tsv(c) for c in line.split("\t")]
            n = len(cells) - 3
            out.append(tuple(cells[:n]) + tuple(int(c) for c in cells[n:]))
        return out
    return check_queries(a, "chdb", rules, want, rows, target="clickhouse")


def check_queries(a, name, rules, want, execute, target=None):
    """Convert the rules for the engine's target, run each correlation query, compare."""
    passed = failed = 0
    p = subprocess.run([a.ruledex, "convert", "-t", target or name, "--format", "jsonl", rules],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    qs = [json.loads(l) for l in p.stdout.splitlines()]
    n_corr = 0
    for q in qs:
        if "correlation" not in q:
            continue
        n_corr += 1
        rid = q["id"]
        if rid in EXPECTED_NOT_CONVERTIBLE:
            if EXPECTED_NOT_CONVERTIBLE[rid] in q.get("not_convertible", ""):
                passed += 1
            else:
                print("FAIL %s %s: expected not convertible (%s), got %s"
                      % (name, rid, EXPECTED_NOT_CONVERTIBLE[rid], q.get("query") or q.get("not_convertible")))
                failed += 1
            continue
        if "query" not in q:
            print("FAIL %s %s: not convertible: %s" % (name, rid, q["not_convertible"]))
            failed += 1
            continue
        rows = execute(q["query"])
        n_groups = len(rows[0]) - 3 if rows else 0
        if compare(name, rid, want.get(rid, {}), sql_windows(rows, n_groups)):
            passed += 1
        else:
            failed += 1
    if n_corr != 12:
        print("FAIL %s: %d correlation rules converted or refused, expected 12" % (name, n_corr))
        failed += 1
    return passed, failed


if __name__ == "__main__":
    main()
