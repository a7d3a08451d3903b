#!/usr/bin/env python3
"""compare.py — the differential oracle: ruledex's IR against pySigma.

    compare.py IR.jsonl PYSIGMA.jsonl [KNOWN-DIFFERENCES.txt]

Reads the JSON lines of ir_dump (ruledex) and pysigma_dump.py (pySigma),
joins the rules by id and compares, rule by rule: metadata (title, level,
status, logsource, tags, condition texts), the stage names, and for every
stage its alternatives (groups) and their predicates one by one — field,
modifiers as written, operator, flags (all, neq, cased, re flags, expand,
encoded, fieldref), time part, the number of values and, per value, its
kind and its set of variants.

Variants are compared as sets of *canonical patterns*: each rendering is
parsed with Sigma's escape rules (a backslash escapes `*`, `?`, `\\`, and
`%` with |expand; any other backslash is itself) into literal / `*` / `?` /
placeholder tokens, so two spellings of one pattern (`C:\\Windows` and
`C:\\\\Windows`) compare equal and different patterns never do.

The deliberate, documented differences between the two are normalized
here, each where it is applied and with the reason.  Whatever still
differs is printed, one line per difference:

    DIFF <file> [<id>] <where>: <what> differs: ruledex=<...> pysigma=<...>

Rules listed in KNOWN-DIFFERENCES.txt (one "<id> <reason>" per line, `#`
comments) may differ; they are reported as known, and an entry whose rule
no longer differs is an error (the list must stay as short as it can be).
The last line is `oracle: N passed, N failed` (rules); the exit status is 0
only when no rule differs outside the allow-list.

Standard library only.
"""

import ipaddress
import json
import re
import sys

# ---- canonical patterns -------------------------------------------------

STAR, ONE = ("*",), ("?",)


def rendering_bytes(r):
    """A variant as ir_dump / pysigma_dump wrote it → bytes.  ir_dump writes
    renderings that are not valid UTF-8 as {"hex": ...}; a Python string is
    UTF-8 (NUL and control characters included)."""
    if isinstance(r, dict):
        return bytes.fromhex(r["hex"])
    return r.encode("utf-8", "surrogatepass")


def canonical(r, placeholders):
    """Parse a Sigma-syntax rendering into a tuple of tokens:
    ("L", bytes) literal, STAR, ONE, ("P", name) placeholder.
    Adjacent literals merge; adjacent STARs merge, because `**` matches
    exactly what `*` matches (ruledex merges them when it parses a value,
    pySigma keeps both)."""
    b = rendering_bytes(r)
    special = set(b"*?\\%" if placeholders else b"*?\\")
    out, lit, i = [], bytearray(), 0

    def flush():
        if lit:
            out.append(("L", bytes(lit)))
            lit.clear()

    while i < len(b):
        c = b[i:i + 1]
        if c == b"\\" and i + 1 < len(b) and b[i + 1] in special:
            lit += b[i + 1:i + 2]
            i += 2
        elif c == b"*":
            flush()
            if not out or out[-1] != STAR:
                out.append(STAR)
            i += 1
        elif c == b"?":
            flush()
            out.append(ONE)
            i += 1
        elif c == b"%" and placeholders:
            # Both dumps escape literal '%' under |expand, so an unescaped
            # one opens a placeholder that runs to the next '%'.
            j = b.find(b"%", i + 1)
            if j < 0:
                lit += c
                i += 1
                continue
            flush()
            out.append(("P", b[i + 1:j].decode("utf-8", "replace")))
            i = j + 1
        else:
            lit += c
            i += 1
    flush()
    return tuple(out)


def show(tokens):
    """A canonical pattern as readable text (every special escaped, bytes
    outside printable ASCII as \\xNN)."""
    s = []
    for t in tokens:
        if t == STAR:
            s.append("*")
        elif t == ONE:
            s.append("?")
        elif t[0] == "P":
            s.append("%" + t[1] + "%")
        else:
            for ch in t[1]:
                if ch in b"*?\\%":
                    s.append("\\" + chr(ch))
                elif 0x20 <= ch < 0x7F:
                    s.append(chr(ch))
                else:
                    s.append("\\x%02x" % ch)
    return "".join(s)


def show_set(ps):
    return "{" + ", ".join(sorted('"%s"' % show(p) for p in ps)) + "}"


def wrap_contains(tokens):
    """pySigma's contains: a STAR at each end unless one is there."""
    t = list(tokens)
    if not t or t[0] != STAR:
        t.insert(0, STAR)
    if t[-1] != STAR:
        t.append(STAR)
    return tuple(t)


# ---- what pySigma's modifiers mean in ruledex's terms -------------------

STRING_OPS = ("contains", "startswith", "endswith")
COMPARE_OPS = ("lt", "lte", "gt", "gte")
ENCODERS = ("base64", "base64offset", "wide", "utf16le", "utf16be", "utf16")
MOD_ALIASES = {"ignorecase": "i", "multiline": "m", "dotall": "s"}
KIND_MAP = {  # pySigma value type → ruledex rdx_vkind
    "string": "string", "number": "number", "bool": "bool", "null": "null",
    "regex": "regex", "cidr": "cidr",
    "exists": "bool",     # ruledex: op exists, the value true/false
    "compare": "number",  # ruledex: op lt/lte/gt/gte, the operand a number
    "fieldref": "string", # ruledex: flag fieldref, the value names the field
    "timepart": "number", # ruledex: predicate timepart, the value a number
}


def expected_op(p):
    """The rdx_op a pySigma detection item corresponds to."""
    mods = p["modifiers"]
    op = "equals"
    for m in mods:
        if m in STRING_OPS:
            op = m
    if "re" in mods:
        op = "regex"
    elif "cidr" in mods:
        op = "cidr"
    elif "exists" in mods:
        op = "exists"
    for m in mods:
        if m in COMPARE_OPS:
            op = m
    refs = [v for v in p["values"] if v["kind"] == "fieldref"]
    if refs:  # fieldref|contains etc. set starts_with/ends_with on the value
        v = refs[0]
        op = ("contains" if v["starts_with"] and v["ends_with"] else "startswith"
              if v["starts_with"] else "endswith" if v["ends_with"] else "equals")
    if p["field"] is None and op in ("equals",) + STRING_OPS:
        op = "keyword"
    if p["field"] is not None and len(p["values"]) == 1 and p["values"][0]["kind"] == "null":
        op = "null"
    return op


def expected_flags(p):
    mods, vals = p["modifiers"], p["values"]
    f = set()
    if p["linking"] == "and":
        f.add("all")
    if p["negated"]:
        f.add("neq")
    if any(v.get("cased") for v in vals):
        f.add("cased")
    if any(v["kind"] == "fieldref" for v in vals):
        f.add("fieldref")
    for v in vals:
        for fl in v.get("flags", []):
            f.add({"ignorecase": "re_i", "multiline": "re_m", "dotall": "re_s"}[fl])
    if "expand" in mods:
        f.add("expand")
    if any(m in ENCODERS for m in mods):
        f.add("encoded")
    return f


# ---- comparing --------------------------------------------------------

class Rule:
    def __init__(self, rec_r, rec_p):
        self.r, self.p = rec_r, rec_p
        self.diffs = []

    def diff(self, where, what, rv, pv):
        self.diffs.append("%s: %s differs: ruledex=%s pysigma=%s" % (where, what, rv, pv))


def compare_value(rule, where, rp, pp, rv, pv):
    """One value of one predicate: kind and variants."""
    ph = "expand" in rp["flags"]
    keyword = pp["field"] is None and not any(m in STRING_OPS for m in pp["modifiers"])
    want_kind = KIND_MAP.get(pv["kind"], pv["kind"])
    if rv["kind"] != want_kind:
        rule.diff(where, "value kind", rv["kind"], pv["kind"])
        # Nothing else about the value is comparable unless both are text.
        if {rv["kind"], want_kind} - {"string", "number"}:
            return
    k = pv["kind"]
    if k in ("string", "number") and rv["kind"] in ("string", "number") and \
            not (k == "number" and rv["kind"] == "number" and not keyword):
        rset = {canonical(x, ph) for x in rv["variants"]}
        pset = {canonical(x, ph) for x in pv["variants"]}
        if keyword:
            # A keyword is searched for inside the event's values; ruledex
            # writes that into the pattern (`*value*`), pySigma leaves the
            # value as written and lets the backend search.
            pset = {wrap_contains(x) for x in pset}
        if "base64offset" in pp["modifiers"]:
            # A value of one or two bytes has base64offset encodings that are
            # empty at some offsets; pySigma keeps them ("" or, after
            # contains, "*", which matches everything), ruledex drops them
            # (docs/MATCHING.md, pattern.h).  No real encoding is empty or
            # a lone "*", so dropping those from pySigma's set is exact.
            pset = {x for x in pset if x not in ((), (STAR,))}
        if rset != pset:
            rule.diff(where, "variants", show_set(rset - pset) + " only in ruledex",
                      show_set(pset - rset) + " only in pysigma")
        return
    if k == "number":
        # ruledex keeps a number's text as written (EventID: 4688 matches the
        # text "4688") and, when PyYAML reads the spelling as another number
        # (0x10, 0755 octal, 1_000, 1:30 sexagesimal), adds that number's
        # decimal; pySigma holds the number itself.  So: the same number, the
        # as-written text, and the decimal of an integer when it differs.
        n = pv["number"]
        text = rv["text"]
        if rv["number"] != n:
            rule.diff(where, "number", "%s (%s)" % (text, rv["number"]), n)
        want = {text}
        is_float_spelling = re.search(r"[.eE]", text) and not text.lower().startswith(("0x", "-0x", "+0x"))
        if not is_float_spelling and str(n) != text:
            want.add(str(n))
        if set(rv["variants"]) != want:
            rule.diff(where, "number variants", sorted(rv["variants"]), sorted(want))
    elif k in ("bool", "exists"):
        if rv.get("boolean") != pv["boolean"]:
            rule.diff(where, "boolean", rv.get("boolean"), pv["boolean"])
    elif k in ("compare", "timepart"):
        if rv.get("number") != pv["number"]:
            rule.diff(where, "number", rv.get("number"), pv["number"])
    elif k == "regex":
        if rv["text"] != pv["variants"][0]:
            rule.diff(where, "regex", repr(rv["text"]), repr(pv["variants"][0]))
    elif k == "cidr":
        rn = ipaddress.ip_network(rv["cidr"], strict=False)
        pn = ipaddress.ip_network(pv["network"], strict=False)
        if rn != pn:
            rule.diff(where, "network", rn, pn)
    elif k == "fieldref":
        if rv["text"] != pv["variants"][0]:
            rule.diff(where, "referenced field", rv["text"], pv["variants"][0])
    elif k == "null":
        pass
    else:
        rule.diff(where, "value type", rv["kind"], k)


def compare_pred(rule, where, rp, pp):
    where = "%s field %s" % (where, rp["field"] if rp["field"] is not None else "(keyword)")
    if rp["field"] != pp["field"]:
        rule.diff(where, "field", rp["field"], pp["field"])
    # pySigma registers i/m/s also as ignorecase/multiline/dotall and its
    # reverse mapping names the class by the long alias; the rule wrote one
    # of the two, ruledex keeps what was written.
    pmods = [MOD_ALIASES.get(m, m) for m in pp["modifiers"]]
    if [MOD_ALIASES.get(m, m) for m in rp["modifiers"]] != pmods:
        rule.diff(where, "modifiers", "|".join(rp["modifiers"]), "|".join(pmods))
    op = expected_op(pp)
    if rp["op"] != op:
        rule.diff(where, "operator", rp["op"], op)
    flags = expected_flags(pp)
    if set(rp["flags"]) != flags:
        rule.diff(where, "flags", sorted(rp["flags"]), sorted(flags))
    parts = {v.get("part") for v in pp["values"] if v.get("part")}
    want_part = parts.pop() if len(parts) == 1 else None
    if rp["timepart"] != want_part:
        rule.diff(where, "time part", rp["timepart"], want_part)
    if pp.get("nested"):
        rule.diff(where, "shape", "predicate", "a list nested in a list")
        return
    if len(rp["values"]) != len(pp["values"]):
        rule.diff(where, "value count", len(rp["values"]), len(pp["values"]))
        return
    for i, (rv, pv) in enumerate(zip(rp["values"], pp["values"])):
        compare_value(rule, "%s value %d" % (where, i + 1), rp, pp, rv, pv)


def merge_keyword_groups(groups):
    """In a list that holds maps and plain values, pySigma makes each plain
    value an alternative of its own, where it stands; ruledex gathers them
    into one keyword predicate, the first alternative.  Both are an OR of
    the same values, so pySigma's lone keyword items are merged the same
    way before the alternatives are compared in order."""
    lone = [g for g in groups if len(g) == 1 and g[0]["field"] is None
            and not g[0]["modifiers"] and not g[0].get("nested")]
    if not lone or len(lone) == len(groups):
        return groups
    merged = dict(lone[0][0])
    merged["values"] = [v for g in lone for v in g[0]["values"]]
    return [[merged]] + [g for g in groups if not any(g is x for x in lone)]


def compare_rule(rule):
    r, p = rule.r, rule.p
    if p.get("errors"):
        rule.diff("rule", "load", "loaded", "refused: " + "; ".join(p["errors"]))
        return  # pySigma has no detection to compare
    for key in ("title", "status", "kind", "logsource", "tags", "condition"):
        if r.get(key) != p.get(key):
            rule.diff("rule", key, json.dumps(r.get(key)), json.dumps(p.get(key)))
    # ruledex keeps the level as written; pySigma holds an enum.
    if (r.get("level") or "").lower() != (p.get("level") or ""):
        rule.diff("rule", "level", r.get("level"), p.get("level"))
    rs, ps = r.get("stages", {}), p.get("stages", {})
    if list(rs) != list(ps):
        rule.diff("rule", "stages", list(rs), list(ps))
    unresolved = False
    for name in rs:
        if name not in ps:
            continue
        rg, pg = rs[name], merge_keyword_groups(ps[name])
        if len(rg) != len(pg):
            rule.diff("stage %s" % name, "alternatives", len(rg), len(pg))
            continue
        for gi, (ra, pa) in enumerate(zip(rg, pg)):
            where = "stage %s" % name + (" alternative %d" % (gi + 1) if len(rg) > 1 else "")
            if len(ra) != len(pa):
                rule.diff(where, "predicates", [x["field"] for x in ra], [x["field"] for x in pa])
                continue
            for rp, pp in zip(ra, pa):
                compare_pred(rule, where, rp, pp)
                if "expand" in pp["modifiers"]:
                    unresolved |= any(t[0] == "P" for v in pp["values"]
                                      for x in v["variants"] for t in canonical(x, True))
    # Without a placeholder file ruledex marks a rule whose %name% stays
    # unfilled; pySigma keeps Placeholder objects in the same places.
    if r.get("kind") == "detection" and bool(r.get("unresolved")) != unresolved:
        rule.diff("rule", "unresolved placeholders", r.get("unresolved"), unresolved)


def read_jsonl(path):
    """Rules by id, and the diagnostic lines.  A rule without an id is
    keyed by its file; a second rule with an id already seen by id@file
    (both dumps read the same paths, so the keys still meet)."""
    rules, diags = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            if "diag" in d:
                diags.append(d)
                continue
            key = d.get("id") or d["file"]
            if key in rules:
                key = "%s@%s" % (key, d["file"])
            rules[key] = d
    return rules, diags


def read_known(path):
    known = {}
    if not path:
        return known
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            rid, _, reason = line.partition(" ")
            known[rid] = reason.strip()
    return known


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    R, rdiag = read_jsonl(argv[1])
    P, pdiag = read_jsonl(argv[2])
    known = read_known(argv[3] if len(argv) == 4 else None)
    passed = failed = allowed = 0
    for d in rdiag:
        if d["diag"] == "error":
            print("ruledex: %s:%s:%s: %s" % (d["file"], d.get("line"), d.get("column"), d["message"]))
    for d in pdiag:
        print("pysigma: %s: %s" % (d["file"], d["message"]))
    for key in sorted(set(R) | set(P), key=lambda k: ((R.get(k) or P.get(k))["file"], k)):
        r, p = R.get(key), P.get(key)
        rule = Rule(r, p)
        if r is None and p.get("errors"):
            pass  # both refuse the rule (each says why above)
        elif r is None:
            why = [d["message"] for d in rdiag if d["file"] == p["file"] and d["diag"] == "error"]
            rule.diffs.append("rule: loaded by pySigma only (ruledex: %s)"
                              % ("; ".join(why) if why else "no diagnostic at all"))
        elif p is None:
            why = [d["message"] for d in pdiag if d["file"] == r["file"]]
            rule.diffs.append("rule: loaded by ruledex only (pySigma: %s)"
                              % ("; ".join(why) if why else "no diagnostic at all"))
        else:
            compare_rule(rule)
        file = (r or p)["file"]
        if not rule.diffs:
            if key in known:
                print("STALE %s [%s]: listed in known-differences.txt but no longer differs "
                      "(remove the entry)" % (file, key))
                failed += 1
            else:
                passed += 1
            continue
        tag = "KNOWN" if key in known else "DIFF"
        for d in rule.diffs:
            print("%s %s [%s] %s" % (tag, file, key, d))
        if key in known:
            allowed += 1
        else:
            failed += 1
    for key in sorted(set(known) - set(R) - set(P)):
        print("STALE [%s]: listed in known-differences.txt but no such rule" % key)
        failed += 1
    total = len(set(R) | set(P))
    print("oracle: %d rules compared: %d identical, %d with known differences "
          "(known-differences.txt), %d with unexpected differences"
          % (total, passed, allowed, total - passed - allowed))
    print("oracle: %d passed, %d failed" % (passed + allowed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
