#!/usr/bin/env python3
"""compare.py — `ruledex dump` against `evtx_dump -o jsonl`, value for value.

Usage: compare.py OURS_DIR THEIRS_DIR [LIST]

OURS_DIR and THEIRS_DIR hold one .jsonl per EVTX file under the same names
(tests/oracle/evtx/run.sh writes them).  Records are paired by their EventRecordID
(the tools may read a file's chunks in different orders); each record is flattened to
its scalar leaves (path -> value) and every leaf of either side is compared
with the same path on the other.

A leaf agrees when the values are equal as JSON values, or when they differ
only by one of the formatting choices documented in docs/FIELDS.md ("ruledex
dump and evtx_dump"), each counted by name:

  guid   ruledex writes a GUID as the SigmaHQ regression data does,
         upper case without braces (5770385F-C22A-...); evtx_dump 0.15 writes
         {5770385f-c22a-...}

Everything else is a difference, printed (the first 5 per file, at most 200
in all) with the file, the record and the path.  The last line is

  oracle-evtx: F files, F agree; R records, R agree; V values, V agree
  (G by documented choice); N differences

and the exit status is 1 if there is any difference.
"""
import json
import os
import re
import sys

PER_FILE = int(os.environ.get("COMPARE_PER_FILE", "5"))
SHOWN = int(os.environ.get("COMPARE_SHOWN", "200"))
GUID = re.compile(r"^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$")


def flatten(v, path, out):
    if isinstance(v, dict):
        for k, x in v.items():
            flatten(x, path + "." + k if path else k, out)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            flatten(x, f"{path}[{i}]", out)
    else:
        out[path] = v
    return out


def pairs_hook(pairs):
    """Keep duplicate keys (a second one gets '#2') rather than losing values."""
    d = {}
    for k, v in pairs:
        key, n = k, 1
        while key in d:
            n += 1
            key = f"{k}#{n}"
        d[key] = v
    return d


def load(path):
    recs = []
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            if line.strip():
                recs.append(json.loads(line, object_pairs_hook=pairs_hook))
    return recs


def same(a, b):
    """JSON equality: 1 == 1.0 but True != 1, "1" != 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def choice(ours, theirs):
    """The documented formatting choice that explains a difference, or None."""
    if isinstance(ours, str) and isinstance(theirs, str):
        if GUID.match(theirs) and ours == theirs[1:-1].upper():
            return "guid"
    return None


def record_id(r):
    try:
        return r["Event"]["System"]["EventRecordID"]
    except (KeyError, TypeError):
        return None


def paired(ours, theirs):
    """Records paired by EventRecordID (and how many times it was seen), in
    evtx_dump's order: the two tools may visit a file's chunks in different
    orders (a chunk written out of sequence), which is not a difference of
    values.  A record one side lacks is paired with None."""
    def keyed(recs):
        seen, out = {}, {}
        for r in recs:
            rid = record_id(r)
            seen[rid] = seen.get(rid, 0) + 1
            out[(rid, seen[rid])] = r
        return out
    a, b = keyed(ours), keyed(theirs)
    for k, y in b.items():
        yield a.get(k), y
    for k, x in a.items():
        if k not in b:
            yield x, None


def main():
    ours_dir, theirs_dir = sys.argv[1], sys.argv[2]
    names = sorted(n for n in os.listdir(theirs_dir) if n.endswith(".jsonl"))
    if len(sys.argv) > 3:
        with open(sys.argv[3], encoding="utf-8") as fh:
            names = [line.rstrip("\n") for line in fh if line.strip()]
    files = files_ok = recs = recs_ok = vals = vals_ok = 0
    by_choice = {}
    shown = 0
    diffs = 0
    for name in names:
        files += 1
        ours = load(os.path.join(ours_dir, name))
        theirs = load(os.path.join(theirs_dir, name))
        file_diffs = 0
        if len(ours) != len(theirs):
            file_diffs += 1
            diffs += 1
            print(f"{name}: {len(ours)} records, evtx_dump {len(theirs)}")
        for i, (x, y) in enumerate(paired(ours, theirs)):
            recs += 1
            a = flatten(x, "", {}) if x is not None else {}
            b = flatten(y, "", {}) if y is not None else {}
            rec_ok = True
            for path in list(b) + [p for p in a if p not in b]:
                vals += 1
                if path in a and path in b:
                    if same(a[path], b[path]):
                        vals_ok += 1
                        continue
                    c = choice(a[path], b[path])
                    if c:
                        vals_ok += 1
                        by_choice[c] = by_choice.get(c, 0) + 1
                        continue
                    what = f"{json.dumps(a[path])[:120]} != evtx_dump {json.dumps(b[path])[:120]}"
                elif path in a:
                    what = f"only ours: {json.dumps(a[path])[:120]}"
                else:
                    what = f"only evtx_dump: {json.dumps(b[path])[:120]}"
                rec_ok = False
                diffs += 1
                file_diffs += 1
                if file_diffs <= PER_FILE and shown < SHOWN:
                    shown += 1
                    print(f"{name}: record {i}: {path}: {what}")
            recs_ok += rec_ok
        files_ok += file_diffs == 0
    chosen = sum(by_choice.values())
    detail = ", ".join(f"{k} {v}" for k, v in sorted(by_choice.items())) or "none"
    print(f"oracle-evtx: {files} files, {files_ok} agree; {recs} records, {recs_ok} agree; "
          f"{vals} values, {vals_ok} agree ({chosen} by documented choice: {detail}); "
          f"{diffs} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
