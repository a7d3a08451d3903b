#!/usr/bin/env python3
"""Compare the correlation detections of ruledex and rsigma per case.

    python3 compare.py CASES_DIR known-differences.txt

For each CASE.yml in CASES_DIR, CASE.ruledex (ruledex hunt -f jsonl) and
CASE.rsigma (rsigma eval) hold the outputs.  A detection is keyed by the
correlation's title and its group-by values; the multiset of keys and the
aggregate of each must agree.  Every difference is printed.  A case named
in known-differences.txt ("case: reason") still prints its differences but
counts as explained, not failed.  Ends with
"oracle-correlation: N passed, N failed, N explained".
"""
import json, os, sys


def ruledex(path):
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line.startswith("{"):
            continue
        d = json.loads(line)
        c = d.get("correlation")
        if not c:
            continue
        group = tuple(("" if v is None else v) for v in c["group"].values())
        out.append(((d["rule"]["title"], group), c["aggregate"]["value"]))
    return out


def rsigma(path):
    out = []
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if "correlation_type" not in d:
            continue
        group = tuple(("" if v is None else str(v)) for _, v in d.get("group_key", []))
        out.append(((d.get("rule_title"), group), d.get("aggregated_value")))
    return out


def known(path):
    k = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#") and ":" in line:
                name, why = line.split(":", 1)
                k[name.strip()] = why.strip()
    return k


def main():
    cases, kfile = sys.argv[1], sys.argv[2]
    explained = known(kfile)
    passed = failed = expl = 0
    for name in sorted(f[:-4] for f in os.listdir(cases) if f.endswith(".yml")):
        base = os.path.join(cases, name)
        a, b = ruledex(base + ".ruledex"), rsigma(base + ".rsigma")
        diffs = []
        ka, kb = sorted(k for k, _ in a), sorted(k for k, _ in b)
        for k in sorted(set(ka) | set(kb)):
            na, nb = ka.count(k), kb.count(k)
            if na != nb:
                diffs.append("%s group %s: ruledex %d detection(s), rsigma %d" % (k[0], list(k[1]), na, nb))
        if not diffs:
            for (k, va), (_, vb) in zip(sorted(a, key=lambda x: x[0]), sorted(b, key=lambda x: x[0])):
                if va is None or vb is None or abs(float(va) - float(vb)) > 1e-9 * max(1, abs(float(va))):
                    diffs.append("%s group %s: aggregate ruledex %s, rsigma %s" % (k[0], list(k[1]), va, vb))
        if not diffs:
            passed += 1
            print("ok   %s (%d detections)" % (name, len(a)))
        elif name in explained:
            expl += 1
            print("KNOWN %s: %s" % (name, explained[name]))
            for d in diffs:
                print("      " + d)
        else:
            failed += 1
            print("FAIL %s" % name)
            for d in diffs:
                print("      " + d)
    print("oracle-correlation: %d passed, %d failed, %d explained" % (passed, failed, expl))
    return 1 if failed else 0


sys.exit(main())
