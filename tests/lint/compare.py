#!/usr/bin/env python3
"""compare.py — ruledex lint against pySigma's validators (docs/ORACLE.md).

Reads pySigma's issues (pysigma_validate.py) and ruledex's findings
(`ruledex lint -f jsonl`) and checks that ruledex finds every issue pySigma
finds: for each (validator, file) pySigma reports, a ruledex warning of the
same check name on the same file.  A pySigma issue ruledex misses fails
unless tests/lint/known-differences.txt lists it with its reason.  Issues
only ruledex finds are listed per check (they are its own, stricter checks,
documented in docs/CLI.md).  Ends with "lint-oracle: N passed, N failed".

Usage: compare.py PYSIGMA.jsonl RULEDEX.jsonl KNOWN-DIFFERENCES.txt
"""

import collections
import json
import sys


def main(argv):
    theirs = set()
    skipped = []
    for line in open(argv[1], encoding="utf-8"):
        d = json.loads(line)
        if "skipped" in d:
            skipped.append(d["validator"])
            continue
        if d.get("file"):
            theirs.add((d["validator"], d["file"]))
    ours = set()
    for line in open(argv[2], encoding="utf-8"):
        d = json.loads(line)
        if d["severity"] == "warning":
            ours.add((d["category"], d["file"]))
    known = {}
    for line in open(argv[3], encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        check, path, reason = line.split("\t", 2)
        known[(check, path)] = reason
    passed = failed = 0
    for key in sorted(theirs):
        if key in ours:
            passed += 1
            continue
        reason = next((r for (c, p), r in known.items() if c == key[0] and key[1].endswith(p)), None)
        if reason:
            print(f"known: {key[0]} {key[1]}: {reason}")
            passed += 1
        else:
            print(f"MISSED: {key[0]} {key[1]}")
            failed += 1
    extra = collections.Counter(c for (c, f) in ours - theirs)
    for check, n in sorted(extra.items()):
        print(f"only ruledex: {check}: {n}")
    for v in skipped:
        print(f"pySigma validator not run (needs configuration): {v}")
    print(f"lint-oracle: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
