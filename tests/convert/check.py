#!/usr/bin/env python3
"""tests/convert/check.py — converted queries against the native engine.

For one set of events and one set of rules:
  1. `ruledex hunt --format jsonl` gives the detections: (rule id, origin);
  2. `ruledex convert -t TARGET --format jsonl` gives each rule's query, and
     `ruledex convert --load-events -t TARGET` the SQL that loads the events;
  3. each engine (SQLite via Python's sqlite3, DuckDB, chDB) loads the
     events once and runs every query; the events a query returns must be
     exactly the events hunt matched for that rule, compared by origin.

Prints one line per difference and ends with
  engine ENGINE: N passed, N failed[, N skipped]
per engine.  A rule hunt matched that did not convert is not a failure
(the summary of `convert` gives the reason); it is counted.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time


def run(cmd, out=None):
    with open(out, "wb") if out else open(os.devnull, "wb") as f:
        p = subprocess.run(cmd, stdout=f if out else subprocess.PIPE, stderr=subprocess.PIPE)
    return p


def origin(src):
    f = src.get("file") or src.get("topic", "")
    if src.get("record_id"):
        return "%s#%d" % (f, src["record_id"])
    if src.get("line"):
        return "%s:%d" % (f, src["line"])
    return "%s@%d" % (f, src.get("offset", 0))


def hunt(args, rules, events):
    cmd = [args.ruledex, "hunt", "-q", "-j", "2", "--format", "jsonl"]
    for r in rules:
        cmd += ["-r", r]
    p = subprocess.run(cmd + events, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1, 4, 5):
        sys.exit("hunt failed (%d): %s" % (p.returncode, p.stderr.decode()[:2000]))
    got = {}
    for line in p.stdout.splitlines():
        d = json.loads(line)
        rid = d["rule"].get("id") or d["rule"].get("title")
        if "source" not in d:
            continue   # a correlation detection
        got.setdefault(rid, set()).add(origin(d["source"]))
    return got


def convert(args, target, rules, work):
    out = os.path.join(work, "queries-%s.jsonl" % target)
    cmd = [args.ruledex, "convert", "-t", target, "--format", "jsonl", "-o", out] + rules
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        sys.exit("convert -t %s failed (%d): %s" % (target, p.returncode, p.stderr.decode()[:2000]))
    # correlation queries return windows, not events: tests/convert/corr.py checks them
    qs = [q for q in (json.loads(l) for l in open(out, encoding="utf-8")) if "correlation" not in q]
    return qs, p.stderr.decode()


def load_script(args, target, events, work):
    out = os.path.join(work, "load-%s.sql" % target)
    p = run([args.ruledex, "convert", "--load-events", "-t", target] + events, out)
    if target == "clickhouse":   # chDB takes the schema statement by statement
        run([args.ruledex, "convert", "--load-events", "--no-schema", "-t", target] + events,
            out.replace(".sql", "-rows.sql"))
    if p.returncode not in (0, 4):
        sys.exit("convert --load-events failed: %s" % p.stderr.decode()[:2000])
    return out


# ---- engines ------------------------------------------------------------------

def pcre_like(pattern, value):
    """REGEXP for SQLite: Python's re (the nearest to PCRE at hand)."""
    return value is not None and re.search(pattern, value) is not None


class Sqlite:
    name, target = "sqlite", "sqlite"

    def __init__(self, script):
        import sqlite3
        self.db = sqlite3.connect(os.environ.get("RDX_CONVERT_SQLITE_DB", ":memory:"))
        cache = {}

        def regexp(pat, val):
            r = cache.get(pat)
            if r is None:
                try:
                    r = cache[pat] = re.compile(pat)
                except re.error:
                    r = cache[pat] = False
            return r is not False and val is not None and r.search(val) is not None
        self.db.create_function("regexp", 2, regexp, deterministic=True)
        if not self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            self.db.executescript(open(script, encoding="utf-8").read())
            self.db.execute("ANALYZE")
            self.db.commit()

    def pairs(self, q):
        return self.db.execute(q).fetchall()


def cell(c):
    if c is None:
        return ""
    if isinstance(c, str):
        return '"' + c.replace('"', '""') + '"'
    return repr(c)


def export_csv(sqlite_engine, work):
    """The SQLite tables as CSV, for the engines that load text slowly: a
    180 MB INSERT script costs DuckDB gigabytes, CSV seconds.  (The INSERT
    scripts of every dialect are checked on a small load: see small_load.)
    Strings are quoted, NULLs are empty and unquoted."""
    paths = {}
    db = sqlite_engine.db
    db.text_factory = lambda b: b.decode("utf-8", "replace")
    for table in ("events", "fields"):
        path = paths[table] = os.path.join(work, table + ".csv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            for row in db.execute("SELECT * FROM " + table):
                f.write(",".join(cell(c) for c in row) + "\n")
    db.text_factory = str
    return paths


class Duck:
    name, target = "duckdb", "duckdb"

    def __init__(self, schema, csvs=None, script=None):
        import duckdb
        self.db = duckdb.connect(":memory:")
        self.db.execute("SET threads TO 2")
        if script:
            self.db.execute(open(script, encoding="utf-8").read())
            return
        self.db.execute(schema)
        # Rows ordered by field name: DuckDB's zone maps then skip every row
        # group but the few holding a name, which is what each IN subquery asks
        # for (unordered, every subquery scans all rows: seconds per query).
        for table, path in csvs.items():
            self.db.execute("INSERT INTO %s SELECT * FROM read_csv('%s', header=false, "
                            "quote='\"', escape='\"', allow_quoted_nulls=false, "
                            "auto_detect=false, columns=%s) ORDER BY %s"
                            % (table, path, self.columns(table),
                               "field, rid" if table == "fields" else "rid"))

    def columns(self, table):
        cols = self.db.execute("SELECT column_name, data_type FROM information_schema.columns "
                               "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()
        return "{%s}" % ", ".join("'%s': '%s'" % c for c in cols)

    def pairs(self, q):
        return self.db.execute(q).fetchall()


def statements(path):
    """The load script's statements: each INSERT spans lines up to one ending in ';'
    (ClickHouse literals keep their newlines escaped, so no value ends a line)."""
    cur = []
    for line in open(path, encoding="utf-8"):
        cur.append(line)
        if line.rstrip("\n").endswith(";"):
            yield "".join(cur)
            cur = []


class Chdb:
    name, target = "chdb", "clickhouse"

    def __init__(self, schema, csvs=None, script=None, work="."):
        from chdb import session
        import tempfile
        self.s = session.Session(tempfile.mkdtemp(prefix="chdb-", dir=work))   # fresh per load
        # A rule with thousands of hashes is a query above ClickHouse's default
        # max_query_size (256 KiB): a client setting, raised as a user would.
        self.s.query("SET max_query_size = 67108864")
        self.s.query("CREATE DATABASE IF NOT EXISTS rdx")
        self.s.query("USE rdx")
        for st in schema.split(";"):
            if st.strip():
                self.s.query(st)
        if script:
            for st in statements(script):
                self.s.query(st)
            return
        for table, path in csvs.items():
            self.s.query("INSERT INTO %s SELECT * FROM file('%s', 'CSV') SETTINGS "
                         "input_format_csv_empty_as_default = 1, format_csv_allow_single_quotes = 0"
                         % (table, path))

    def pairs(self, q):
        res = self.s.query(q, "TabSeparated")
        text = res.bytes().decode("utf-8") if hasattr(res, "bytes") else str(res)
        return [line.split("\t", 1) for line in text.splitlines() if line]


def unescape_tsv(s):
    return s.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\")


# ---- comparison ------------------------------------------------------------------

BATCH = 40   # queries per statement: engines plan one UNION ALL faster than 40 queries


def run_batch(engine, batch):
    """{index: set of origins} for a batch of (index, query)."""
    sql = " UNION ALL ".join("SELECT %d AS k, origin FROM (%s) AS t%d" % (i, q, i)
                             for i, q in batch)
    got = {i: set() for i, _ in batch}
    for k, o in engine.pairs(sql):
        got[int(k)].add(o)
    return got


def compare(engine, queries, expected, known, tested, show=5):
    passed = failed = 0
    errors = {}
    todo = [(i, q) for i, q in enumerate(queries)
            if "query" in q and (tested is None or (q["id"] or q["title"]) in tested)]
    results = {}
    for b in range(0, len(todo), BATCH):
        batch = [(i, q["query"]) for i, q in todo[b:b + BATCH]]
        try:
            results.update(run_batch(engine, batch))
        except Exception:   # noqa: BLE001 - find the query at fault one by one
            for i, q in batch:
                try:
                    results.update(run_batch(engine, [(i, q)]))
                except Exception as e:   # noqa: BLE001 - every engine error is a finding
                    results[i] = e
    for i, q in todo:
        rid = q["id"] or q["title"]
        want = expected.get(rid, set())
        got = results[i]
        if isinstance(got, Exception):
            msg = str(got).splitlines()[0][:200] if str(got) else type(got).__name__
            if (engine.name, rid) in known:
                passed += 1
                continue
            failed += 1
            errors[msg] = errors.get(msg, 0) + 1
            if errors[msg] <= 2:
                print("FAIL %s %s (%s): query error: %s" % (engine.name, rid, q["file"], msg))
            continue
        if engine.name == "chdb":
            got = {unescape_tsv(g) for g in got}
        if got == want or (engine.name, rid) in known:
            passed += 1
            continue
        failed += 1
        print("FAIL %s %s (%s): hunt %d, query %d events" % (engine.name, rid, q["file"], len(want), len(got)))
        for o in sorted(want - got)[:show]:
            print("    only hunt:  %s" % o)
        for o in sorted(got - want)[:show]:
            print("    only query: %s" % o)
    if errors:
        for m, n in sorted(errors.items(), key=lambda x: -x[1]):
            print("  %s: %d queries failed with: %s" % (engine.name, n, m))
    return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ruledex", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--rules", action="append", required=True)
    ap.add_argument("--events", action="append", required=True)
    ap.add_argument("--engines", default="sqlite,duckdb,chdb")
    ap.add_argument("--known", help="file of 'ENGINE RULE-ID reason' lines")
    ap.add_argument("--index", help="SigmaHQ regression INDEX.tsv: its rules are tested")
    ap.add_argument("--scripts", action="store_true",
                    help="load every engine from its own --load-events script (small data)")
    ap.add_argument("--all", action="store_true",
                    help="run every converted query, not only the tested rules'")
    args = ap.parse_args()
    known = set()
    if args.known and os.path.exists(args.known):
        for line in open(args.known, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                e, rid = line.split()[:2]
                known.add((e, rid))
    t0 = time.time()
    expected = hunt(args, args.rules, args.events)
    # The rules under test: those with regression data, and those that fire.
    tested = None
    if not args.all:
        tested = set(expected)
        if args.index:
            for line in open(args.index, encoding="utf-8"):
                tested.add(line.split("\t", 1)[0])
    print("convert: hunt matched %d rules, %d detections (%.0fs)" %
          (len(expected), sum(len(v) for v in expected.values()), time.time() - t0))
    sqlite_engine = csvs = None
    for name in args.engines.split(","):
        cls = {"sqlite": Sqlite, "duckdb": Duck, "chdb": Chdb}[name]
        try:
            __import__({"sqlite": "sqlite3", "duckdb": "duckdb", "chdb": "chdb"}[name])
        except ImportError as e:
            print("skip engine %s: not installed (%s)" % (name, e))
            print("engine %s: 0 passed, 0 failed, 1 skipped" % name)
            continue
        t0 = time.time()
        queries, summary = convert(args, cls.target, args.rules, args.work)
        conv = {q["id"] or q["title"] for q in queries if "query" in q}
        missed = sorted(r for r in expected if r not in conv)
        if args.scripts:
            script = load_script(args, cls.target, args.events, args.work)
            schema = "" if cls is not Chdb else subprocess.run(
                [args.ruledex, "convert", "--schema", "-t", cls.target],
                stdout=subprocess.PIPE, check=True).stdout.decode()
            engine = (cls(script) if cls is Sqlite else cls(schema, script=script) if cls is Duck
                      else cls(schema, script=script.replace(".sql", "-rows.sql"), work=args.work))
        elif cls is Sqlite:
            script = load_script(args, cls.target, args.events, args.work)
            engine = sqlite_engine = cls(script)
        else:
            if csvs is None:
                csvs = export_csv(sqlite_engine, args.work)
            schema = subprocess.run([args.ruledex, "convert", "--schema", "-t", cls.target],
                                    stdout=subprocess.PIPE, check=True).stdout.decode()
            engine = cls(schema, csvs) if cls is Duck else cls(schema, csvs, work=args.work)
        t1 = time.time()
        p, f = compare(engine, queries, expected, known, tested)
        print("engine %s: %d queries compared, %d rules hunt matched were not convertible "
              "(load %.0fs, queries %.0fs)" % (name, p + f, len(missed), t1 - t0, time.time() - t1))
        print("engine %s: %d passed, %d failed" % (name, p, f))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
