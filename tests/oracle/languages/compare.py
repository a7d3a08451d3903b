#!/usr/bin/env python3
"""compare.py — the verdict of the languages round trip (docs/ORACLE.md).

Reads what run.sh left in OUT: convert.jsonl (convert.py: which rules each
pySigma backend converted) and LANG.hits.jsonl (`ruledex hunt -f jsonl`
over the same events, one file per language, sigma.hits.jsonl for the
originals).  For every rule and language the events the converted rule
matched, as (file, record id), must be the events the Sigma original
matched.  A rule that differs passes only when known-differences.txt lists
it with its reason; an entry whose rule no longer differs fails, so the
list shrinks with every fix.

Prints, per language, the share of the converted rules that match exactly
the original's events, every difference, and ends with
"oracle-languages: N passed, N failed" (one check per language and rule).

Usage: compare.py OUT KNOWN-DIFFERENCES
"""

import collections
import json
import os
import sys

LANGS = ["splunk", "kusto", "lucene", "eql", "esql", "yaral"]
# RDX_LANG_ORACLE_LANGS="lucene esql" compares those languages only (run.sh)
if os.environ.get("RDX_LANG_ORACLE_LANGS"):
    LANGS = [l for l in LANGS if l in os.environ["RDX_LANG_ORACLE_LANGS"].split()]


def hits(path):
    out = collections.defaultdict(set)
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            src = d.get("source") or {}
            rid = (d.get("rule") or {}).get("id")
            if rid:
                out[rid].add((os.path.basename(src.get("file", "")),
                               src.get("record_id", src.get("line"))))
    return out


# Tags of known-differences.txt.  An emulation tag is checked: the
# converted rule must match exactly the events of the original rewritten
# that way (convert.py).  `no-hits`: the reader keeps the converted rule but
# cannot run it (an opaque stage, with the reason on its page), or cannot
# read it; checked as "matches nothing".  `other`: explained in the reason
# only (each one worked out by hand).
EMULATIONS = ("cased", "anchored", "cased+anchored", "esql",
              "3vl", "cased+3vl", "anchored+3vl", "esql+3vl")   # convert.py's
TAGS = set(EMULATIONS) | {"no-hits", "other"}


def known(path, tags=TAGS):
    """{(lang, rule id): (tag, reason)} of a known list (known-differences
    here, known-structure in structure.py); {} when there is no file."""
    k = {}
    if not os.path.exists(path):
        return k
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 3)
            if len(parts) < 4 or parts[2] not in tags:
                sys.exit(f"{path}:{n}: expected 'LANG RULE-ID TAG reason', TAG one of {sorted(tags)}")
            k[(parts[0], parts[1])] = (parts[2], parts[3])
    return k


def stale(listed, used, in_run, name):
    """Entries of a known list whose rule this run compared without using
    them: printed, and how many (each is a failure)."""
    keys = sorted((set(listed) - used) & in_run)
    for key in keys:
        print(f"{key[0]} {key[1]}: listed in {name} but not compared (stale entry?)")
    return len(keys)


def main():
    out, kpath = sys.argv[1], sys.argv[2]
    allowed = known(kpath)
    conv = collections.defaultdict(dict)   # lang -> id -> record
    with open(os.path.join(out, "convert.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if "id" in d:
                conv[d["backend"]][d["id"]] = d
    ref = hits(os.path.join(out, "sigma.hits.jsonl"))
    emul = {t: hits(os.path.join(out, f"sigma-{t}.hits.jsonl"))
            for t in EMULATIONS}
    passed = failed = 0
    used = set()
    for lang in LANGS:
        got = hits(os.path.join(out, lang + ".hits.jsonl"))
        n_conv = same = explained = 0
        refused = collections.Counter()
        for rid, rec in sorted(conv[lang].items()):
            if "error" in rec:
                refused[rec["error"].split(":")[0]] += 1
                continue
            n_conv += 1
            a, b = ref.get(rid, set()), got.get(rid, set())
            key = (lang, rid)
            if a == b:
                same += 1
                if key in allowed:
                    print(f"{lang} {rid}: listed in known-differences but now identical")
                    failed += 1
                    used.add(key)
                else:
                    passed += 1
                continue
            miss, extra = sorted(a - b), sorted(b - a)
            what = f"{len(miss)} events only the original matches, {len(extra)} only the {lang} rule"
            tag = allowed[key][0] if key in allowed else None
            if tag in emul:
                ok = emul[tag].get(rid, set()) == b
            else:
                ok = tag == "other" or (tag == "no-hits" and not b)
            if ok:
                used.add(key)
                explained += 1
                passed += 1
                print(f"{lang} {rid}: known ({tag}): {what}")
            else:
                if tag:
                    used.add(key)
                    what += f"; listed as {tag}, which does not account for it"
                failed += 1
                print(f"{lang} {rid}: DIFFERS: {what}; {os.path.basename(rec['file'])}")
                for e in miss[:3]:
                    print(f"    only original: {e[0]} #{e[1]}")
                for e in extra[:3]:
                    print(f"    only {lang}: {e[0]} #{e[1]}")
                print("    query: " + " ".join(rec["query"].split())[:400])
        total = len(conv[lang])
        share = 100.0 * same / n_conv if n_conv else 0.0
        print(f"{lang}: {n_conv} of {total} rules converted by the backend; "
              f"{same} match the original's events exactly ({share:.1f} %), "
              f"{explained} differ for a listed reason"
              + (f"; refused: {dict(refused)}" if refused else ""))
    # An entry whose rule this run handed to the backend but did not use
    # (the backend now refuses it) is stale.  Rules outside this run (the
    # default run converts only those with regression data;
    # RDX_LANG_ORACLE_ALL=1 all of SigmaHQ) and languages left out by
    # RDX_LANG_ORACLE_LANGS are not judged.
    failed += stale(allowed, used, {(lang, rid) for lang in LANGS for rid in conv[lang]},
                    "known-differences")
    print(f"oracle-languages: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
