#!/usr/bin/env python3
"""pysigma_validate.py — pySigma's validators over Sigma rules, as JSON lines.

The reference half of the lint oracle (tests/lint/, docs/ORACLE.md): every
rule file under the given paths is loaded with pySigma (one collection, so
the validators that look across rules — identifier uniqueness, duplicate
titles — see every file), every core validator runs on every rule, and each
issue is printed as

  {"validator": "identifier_uniqueness", "file": "...", "id": "...",
   "description": "..."}

one line per (issue, rule it names).  Validators that need configuration
run with their defaults.  Standard library and pySigma only.

Usage: pysigma_validate.py PATH...
"""

import json
import os
import sys

from sigma.collection import SigmaCollection
from sigma.validators.core import validators

# pySigma's ATT&CK and D3FEND validators download MITRE's data on first use
# (urlopen, 30 s timeout, retried per rule).  With no network that costs
# hours, so both point at a local path that does not exist: they fail at
# once, as they would offline, and report nothing — ruledex's own tag check
# reads the ATT&CK bundle the user supplies (lint -a) and is tested there.
try:
    from sigma.data import mitre_attack, mitre_d3fend
    mitre_attack.set_url("/nonexistent/ruledex-oracle/enterprise-attack.json")
    mitre_d3fend.set_url("/nonexistent/ruledex-oracle/d3fend.json")
except Exception:  # an older pySigma without these modules fetches nothing
    pass


def rule_files(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for root, dirs, files in os.walk(p):
            dirs.sort()
            for f in sorted(files):
                if f.endswith((".yml", ".yaml")):
                    yield os.path.join(root, f)


def main(argv):
    rules = []
    for path in rule_files(argv[1:]):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        try:
            coll = SigmaCollection.from_yaml(text, collect_errors=True)
        except Exception:      # a file pySigma cannot read at all
            continue
        for r in coll.rules:
            r.source_path = path
            rules.append(r)
    for name, cls in sorted(validators.items()):
        try:
            v = cls()
        except Exception as e:  # needs configuration we do not have
            print(json.dumps({"validator": name, "skipped": str(e)}))
            continue
        issues = []
        for r in rules:
            try:
                issues.extend(v.validate(r))
            except Exception:
                pass
        try:
            issues.extend(v.finalize())
        except Exception:
            pass
        for issue in issues:
            for r in issue.rules:
                print(json.dumps({
                    "validator": name,
                    "file": getattr(r, "source_path", None),
                    "id": str(r.id) if getattr(r, "id", None) else None,
                    "description": issue.description,
                }))


if __name__ == "__main__":
    main(sys.argv)
