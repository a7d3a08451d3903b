#!/usr/bin/env python3
"""structure.py — the languages round trip compared at the level of stages
and predicates (docs/ORACLE.md, "Structure").

compare.py judges a converted rule by the events it matches; this script
judges what the reader *built*.  For every rule a pySigma backend converted,
the intermediate form ruledex's reader made of the converted query
(`ruledex lint -f ir`, src/rule/ir.c) must be logically the same as the
intermediate form of the Sigma original, modulo the normalisations that
docs/ORACLE.md defines:

  * atoms: a predicate is taken apart into atoms, one per pattern (value
    lists and the variants of windash/base64 are ORs; `|all` an AND; `neq`
    a NOT); contains/startswith/endswith are the patterns `*x*`, `x*`, `*x`,
    whatever operator the reader chose; a case-insensitive pattern is
    case-folded; `cased` is dropped when no literal has a letter; a regex
    that is a plain literal (`^`/`$` optional, `\\.`-style escapes, `.*`,
    a top-level `|` of such literals) is the same glob; a CIDR is its
    network; `exists: false` is NOT exists;
  * the condition: stages become the OR of their groups, `1 of`/`all of`
    ORs/ANDs, and the whole rule one boolean function of the atoms, kept
    as a reduced ordered BDD (variables: the atoms in sorted order).  Two
    ROBDDs over the same order are the same graph exactly when the
    functions are equal, so flattening, reordering, duplicates, De Morgan,
    distribution and absorption all compare equal.  A BDD beyond NODE_LIMIT
    nodes is reported "too large to compare", not guessed.
  * then, only where needed and reported apart, the documented traits of
    the target (LANG_TRAITS, every combination tried): `cased` (the
    comparison is case-sensitive in the target: case folded on both
    sides), `anchored` (the target's regex matches the whole value: the
    reader's `^(?:re)$` read as `re`), `esql` (the original compared as
    convert.py's esql emulation, sigma-esql/: ES|QL's LIKE reads `\X` as
    X), `like` (ES|QL's LIKE reads the backend's `\\*` as a literal star:
    the original's `\\` before a wildcard read so), `null` (Sigma's `F: null`, absent or empty, as the target's "no
    value": NOT `F: '*'`), `udm-empty` (YARA-L: a UDM field that is not
    set reads as its zero value, so Sigma's `F: ''` is compared as the
    target's `F = ""`, absent or empty).

Verdicts per (language, rule): equal; equal after NORM; known (listed in
known-differences.txt: a backend trait or defect already shown on events,
or in known-structure.txt with a reason); too large; differs — with the
first atom only one side has, or else an assignment of the atoms on which
the two rules disagree.  Ends with "oracle-languages-structure: N passed,
N failed"; an entry of known-structure.txt whose rule is now equal fails
(the list only shrinks), one for a rule outside the run is not judged.

Usage: structure.py OUT KNOWN-DIFFERENCES KNOWN-STRUCTURE [LANGS...]
  OUT holds convert.jsonl and LANG.ir.jsonl (run.sh: `ruledex lint -f ir`)
  for sigma and every language; LANGS default to the six languages.
"""

import collections
import ipaddress
import json
import os
import re
import sys

import compare as by_events   # compare.py, beside this script: the known lists, stale entries

NODE_LIMIT = 200000
LANGS = ["splunk", "kusto", "lucene", "eql", "esql", "yaral"]
# the documented traits of each target (docs/ORACLE.md): tried in order
# after the definition's normalisations fail
LANG_TRAITS = {
    "splunk": ["null"],
    "kusto": ["null"],
    "lucene": ["cased", "anchored", "null"],
    "eql": ["cased", "anchored", "null"],   # cased: `regex~` for Sigma's cased `re`
    "esql": ["cased", "like", "esql", "anchored", "null", "3vl"],
    "yaral": ["cased", "null", "udm-empty"],
}


def lang_norms(lang):
    """Every combination of the language's traits, fewest first.  A
    pipeline run ("LANG@PIPELINE") adds `logsource`."""
    import itertools
    base, _, pipe = lang.partition("@")
    t = LANG_TRAITS.get(base, []) + (["logsource"] if pipe else [])
    return [c for n in range(1, len(t) + 1) for c in itertools.combinations(t, n)]


class TooLarge(Exception):
    pass


# ---- patterns (ir.h's glob syntax) -------------------------------------

def parse_glob(s):
    """ir.h pattern text -> list of segments: ('*',) ('?',) ('%', name) or
    a str literal; adjacent stars merged."""
    segs, lit, i = [], [], 0
    def flush():
        if lit:
            segs.append("".join(lit))
            lit.clear()
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            lit.append(s[i + 1])
            i += 2
            continue
        if c in "*?":
            flush()
            if not (c == "*" and segs and segs[-1] == ("*",)):
                segs.append((c,))
        elif c == "%":
            j = s.find("%", i + 1)
            flush()
            segs.append(("%", s[i + 1:j]))
            i = j
        else:
            lit.append(c)
        i += 1
    flush()
    return segs


def render_glob(segs):
    out = []
    for s in segs:
        if isinstance(s, str):
            out.append(re.sub(r"([*?%\\])", r"\\\1", s))
        elif s[0] == "%":
            out.append("%" + s[1] + "%")
        else:
            out.append(s[0])
    return "".join(out)


def like_escape(segs):
    """`like`: the original's pattern as ES|QL's LIKE reads the backend's
    text for it.  The backend writes Sigma's value unescaped into the
    pattern, and LIKE takes a backslash before `*`, `?` or `\\` as an
    escape: a literal `\\` then `*` is a literal star (`*\\Windows\\*`
    is "ends with `\\Windows*`"), two literal backslashes are one."""
    toks = []
    for s in segs:
        toks.extend(list(s) if isinstance(s, str) else [s])
    out, i = [], 0
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if t == "\\" and nxt is not None and (isinstance(nxt, tuple) and nxt[0] in "*?" or nxt == "\\"):
            out.append(nxt if isinstance(nxt, str) else nxt[0])
            i += 2
            continue
        out.append(t)
        i += 1
    segs = []
    for t in out:
        if isinstance(t, str) and segs and isinstance(segs[-1], str):
            segs[-1] += t
        else:
            segs.append(t)
    return segs


def has_case(segs):
    return any(isinstance(s, str) and s.lower() != s.upper() for s in segs)


def glob_atom(field, segs, cased, kw=False):
    if not cased:
        segs = [s.lower() if isinstance(s, str) else s for s in segs]
    cased = cased and has_case(segs)
    return ("kw" if kw else "glob", field or "", render_glob(segs), cased)


# ---- regexes that are plain literals -----------------------------------

_ESC_LIT = set(r".\/-_:;,'\"!@#%&=<>~` []{}()*+?^$|")


def regex_literal(text):
    """A regex without metacharacters (optionally ^...$, `.*`, escapes of
    punctuation) as glob segments; None when it is a real regex."""
    body, segs, lit = text, [], []
    if body.startswith("(?i)"):
        return None  # the flag is handled by the caller
    anchored_start = body.startswith("^")
    if anchored_start:
        body = body[1:]
    # a `$` ends the regex unless an odd number of backslashes escapes it
    pre = body[:-1]
    anchored_end = body.endswith("$") and (len(pre) - len(pre.rstrip("\\"))) % 2 == 0
    if anchored_end:
        body = body[:-1]
    if not anchored_start:
        segs.append(("*",))
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 < len(body) and body[i + 1] in _ESC_LIT:
                lit.append(body[i + 1])
                i += 2
                continue
            return None
        if body.startswith(".*", i):
            if lit:
                segs.append("".join(lit))
                lit = []
            segs.append(("*",))
            i += 2
            continue
        if c == ".":   # one character, as the glob's `?`
            if lit:
                segs.append("".join(lit))
                lit = []
            segs.append(("?",))
            i += 1
            continue
        if c in "[](){}|+?*^$":
            return None
        lit.append(c)
        i += 1
    if lit:
        segs.append("".join(lit))
    if not anchored_end:
        segs.append(("*",))
    out = []
    for s in segs:
        if not (s == ("*",) and out and out[-1] == ("*",)):
            out.append(s)
    return out


def split_alternation(text):
    """Top-level `a|b|c` with no groups or classes: the alternatives."""
    parts, cur, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            cur.append(text[i:i + 2])
            i += 2
            continue
        if text[i] in "()[]":   # a group or class: not a plain alternation
            return None
        if text[i] == "|":
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(text[i])
        i += 1
    parts.append("".join(cur))
    return parts if len(parts) > 1 else None


def regex_formula(field, text, flags, norms, side):
    re_i = "re_i" in flags
    # `\/` is `/` to PCRE; Lucene and YARA-L must escape it in /.../, and
    # YARA-L's backend writes `"` as `\"` (a no-op escape in PCRE and RE2)
    text = re.sub(r"(?<!\\)((?:\\\\)*)\\([/\"])", r"\1\2", text)
    if "anchored" in norms and side == "converted":
        m = re.fullmatch(r"\^\(\?:(.*)\)\$", text, re.S)
        if m:
            text = m.group(1)
    # leading flags: `i` folds case; `s` lets `.` match a newline, which is
    # what a glob's `*`/`?` do, so a literal regex under it is the glob
    # (convert.py's repaired secops backend writes inner wildcards so)
    m = re.match(r"\(\?([is]+)\)", text)
    dotall = "re_s" in flags
    if m:
        text, re_i, dotall = text[m.end():], re_i or "i" in m.group(1), dotall or "s" in m.group(1)
    cased = not re_i and "cased" not in norms
    alts = split_alternation(text) or [text]
    lits = [regex_literal(a) for a in alts]
    if all(l is not None for l in lits) and "re_m" not in flags:
        # with no field, a regex searches every value of the event: a
        # literal one is a keyword (KQL `* matches regex`, the search
        # operator's own form of `search "a*b"`)
        return ("or", [("atom", glob_atom(field, l, cased, kw=not field)) for l in lits])
    return ("atom", ("regex", field or "", text, cased, "re_m" in flags, dotall))


# ---- predicates, stages, conditions -> boolean trees --------------------

def value_formula(p, v, norms, side):
    field, op, flags = p["field"], p["op"], p["flags"]
    cased = "cased" in flags and "cased" not in norms
    tp = p.get("timepart", 0)
    if "fieldref" in flags:
        return ("atom", ("fieldref", field or "", v["text"]))
    if op == "regex":
        return regex_formula(field, v["text"] or "", flags, norms, side)
    if op == "cidr":
        try:
            net = str(ipaddress.ip_network(v["text"].strip(), strict=False))
        except ValueError:
            net = v["text"]
        return ("atom", ("cidr", field or "", net))
    if op == "exists":
        # present, whatever the value: the glob `*` (ruledex's `F: '*'`)
        pos = ("atom", glob_atom(field, [("*",)], False))
        return pos if (v["text"] or "true").lower() not in ("false", "no") else ("not", pos)
    if op == "null" or v["kind"] == "null":
        if "null" in norms:   # absent or empty ~ absent (the target's trait)
            return ("not", ("atom", glob_atom(field, [("*",)], False)))
        return ("atom", ("null", field or ""))
    if op in ("lt", "lte", "gt", "gte"):
        try:
            num = float(v["text"])
        except (TypeError, ValueError):
            num = v["text"]
        return ("atom", (op, field or "", num, tp))
    if op == "term":
        t = v["text"] if cased else (v["text"] or "").lower()
        return ("atom", ("term", field or "", t, cased))
    pats = v.get("patterns") or []
    if not pats:
        return ("atom", ("unresolved", field or "", v["text"]))
    atoms = []
    for s in pats:
        if s == "" and op == "equals" and "udm-empty" in norms and side == "original":
            # UDM: an omitted field reads as its zero value, so Sigma's
            # `F: ''` is YARA-L's `F = ""`, absent or empty (the trait)
            atoms.append(value_formula(p, {"kind": "null", "text": "null", "patterns": []},
                                       norms, side))
            continue
        segs = parse_glob(s)
        if "like" in norms and side == "original" and op in ("contains", "equals"):
            segs = like_escape(segs)
        a = glob_atom(field, segs, cased, kw=(op == "keyword"))
        if tp:
            a = a + (tp,)
        atoms.append(("atom", a))
    return ("or", atoms)


def pred_formula(p, norms, side):
    kids = [value_formula(p, v, norms, side) for v in p["values"]]
    f = ("and" if "all" in p["flags"] else "or", kids)
    if p["op"] in ("exists", "null") and not kids:
        f = value_formula(p, {"kind": "null" if p["op"] == "null" else "bool",
                              "text": "true", "patterns": []}, norms, side)
    elif ("3vl" in norms and side == "original" and p["field"] and p["op"] not in ("exists", "null")
          and not all(v["kind"] == "null" for v in p["values"])):
        f = ("guard", p["field"], f)   # a comparison: null where the field is absent
    return ("not", f) if "neq" in p["flags"] else f


class Opaque(Exception):
    pass


def rule_formula(ir, norms, side):
    stages = []
    for st in ir["stages"]:
        if st.get("opaque"):
            stages.append(("opaque", st["name"], (st["opaque"] or {}).get("reason")))
            continue
        stages.append(("or", [("and", [pred_formula(p, norms, side) for p in g])
                              for g in st["groups"]]))

    def cond(c):
        if c is True:
            return ("const", True)
        if c is None:
            return ("const", False)
        if "stage" in c:
            s = stages[c["stage"]]
            if s[0] == "opaque":
                raise Opaque(f"opaque stage {s[1]}: {s[2]}")
            return s
        if "and" in c:
            return ("and", [cond(k) for k in c["and"]])
        if "or" in c:
            return ("or", [cond(k) for k in c["or"]])
        if "not" in c:
            return ("not", cond(c["not"]))
        if "one_of" in c:
            return ("or", [cond({"stage": i}) for i in c["one_of"]])
        if "all_of" in c:
            return ("and", [cond({"stage": i}) for i in c["all_of"]])
        raise ValueError(c)
    return cond(ir["condition"])


def atoms_of(f, out):
    if f[0] == "atom":
        out.add(f[1])
    elif f[0] in ("and", "or"):
        for k in f[1]:
            atoms_of(k, out)
    elif f[0] == "not":
        atoms_of(f[1], out)
    return out


def three_valued(f, negated=False):
    """`3vl` (ES|QL): the original as the target's three-valued logic reads
    its literal translation.  A comparison with a missing field is null,
    NOT null is null and a row passes only when TRUE, so a test under an
    odd number of NOTs (a filter, Sigma's |neq) reads as "the test, or its
    field absent"; the reader writes the same (fx_null_strict, fexpr.h).
    pred_formula marks each comparison ("guard", field, formula); tests of
    presence and keywords are two-valued and have no mark."""
    if f[0] == "guard":
        inner = three_valued(f[2], negated)
        return ("or", [inner, ("not", ("atom", ("glob", f[1], "*", False)))]) if negated else inner
    if f[0] in ("and", "or"):
        return (f[0], [three_valued(k, negated) for k in f[1]])
    if f[0] == "not":
        return ("not", three_valued(f[1], not negated))
    return f


def drop_fields(f, keep):
    """`logsource`: a pipeline ANDs conditions of its own (the log source as
    the target stores it: `source=...`, `EventCode=1`, a UDM event type)
    onto the rule; atoms on fields the original never tests are read as
    true.  A field the pipeline renamed and fields.yml does not map back
    still shows, as an atom only the original has."""
    dropped = set()

    def walk(g):
        if g[0] == "atom":
            if g[1][1] not in keep:
                dropped.add(g[1][1])
                return ("const", True)
            return g
        if g[0] in ("and", "or"):
            return (g[0], [walk(k) for k in g[1]])
        if g[0] == "not":
            return ("not", walk(g[1]))
        return g
    return walk(f), dropped


# ---- a small ROBDD ---------------------------------------------------------

class BDD:
    """Reduced ordered BDD: node 0 false, 1 true, others (var, lo, hi)."""

    def __init__(self, order):
        self.var = {a: i for i, a in enumerate(order)}
        self.nodes = [None, None]
        self.unique = {}
        self.memo = {}

    def mk(self, v, lo, hi):
        if lo == hi:
            return lo
        key = (v, lo, hi)
        n = self.unique.get(key)
        if n is None:
            if len(self.nodes) > NODE_LIMIT:
                raise TooLarge()
            n = len(self.nodes)
            self.nodes.append(key)
            self.unique[key] = n
        return n

    def top(self, n):
        return self.nodes[n][0] if n > 1 else len(self.var)

    def apply(self, op, a, b):
        if op == "and":
            if a == 0 or b == 0: return 0
            if a == 1: return b
            if b == 1 or a == b: return a
        else:
            if a == 1 or b == 1: return 1
            if a == 0: return b
            if b == 0 or a == b: return a
        if a > b:
            a, b = b, a
        key = (op, a, b)
        r = self.memo.get(key)
        if r is not None:
            return r
        va, vb = self.top(a), self.top(b)
        v = min(va, vb)
        a0, a1 = (self.nodes[a][1], self.nodes[a][2]) if va == v else (a, a)
        b0, b1 = (self.nodes[b][1], self.nodes[b][2]) if vb == v else (b, b)
        r = self.mk(v, self.apply(op, a0, b0), self.apply(op, a1, b1))
        self.memo[key] = r
        return r

    def neg(self, a):
        if a < 2:
            return 1 - a
        key = ("not", a)
        r = self.memo.get(key)
        if r is None:
            v, lo, hi = self.nodes[a]
            r = self.mk(v, self.neg(lo), self.neg(hi))
            self.memo[key] = r
        return r

    def build(self, f):
        k = f[0]
        if k == "atom":
            return self.mk(self.var[f[1]], 0, 1)
        if k == "const":
            return 1 if f[1] else 0
        if k == "not":
            return self.neg(self.build(f[1]))
        acc = 1 if k == "and" else 0
        for kid in f[1]:
            acc = self.apply(k, acc, self.build(kid))
        return acc

    def witness(self, n, order):
        """A path to true: [(atom, value)...]."""
        path = []
        while n > 1:
            v, lo, hi = self.nodes[n]
            if hi != 0:
                path.append((order[v], True))
                n = hi
            else:
                path.append((order[v], False))
                n = lo
        return path


def show_atom(a):
    kind, field = a[0], a[1]
    if kind in ("glob", "kw"):
        segs = parse_glob(a[2])
        lits = [s for s in segs if isinstance(s, str)]
        shape = "".join("L" if isinstance(s, str) else s[0] for s in segs)
        name = {"*L*": "contains", "L*": "startswith", "*L": "endswith", "L": "equals"}.get(shape)
        val = lits[0] if name and lits else a[2]
        txt = f"{field or '(keyword)'} {name or 'glob'} {json.dumps(val, ensure_ascii=False)}"
        return txt + (" cased" if a[3] else "")
    if kind == "regex":
        return f"{field} regex {json.dumps(a[2], ensure_ascii=False)}" + (" cased" if a[3] else "")
    return " ".join(str(x) for x in a)


# ---- verdicts ------------------------------------------------------------

def compare(orig, conv, norms):
    """None when equal, else a description of the first difference."""
    try:
        fo = rule_formula(orig, norms, "original")
    except Opaque as e:
        return f"the original has an {e}"
    if "3vl" in norms:
        fo = three_valued(fo)
    try:
        fc = rule_formula(conv, norms, "converted")
    except Opaque as e:
        return f"not runnable: {e}"
    ao, ac = atoms_of(fo, set()), atoms_of(fc, set())
    dropped = set()
    if "logsource" in norms:
        fc, dropped = drop_fields(fc, {a[1] for a in ao})
        ac = atoms_of(fc, set())
    order = sorted(ao | ac, key=repr)
    bdd = BDD(order)
    no, nc = bdd.build(fo), bdd.build(fc)
    if no == nc:
        return None
    only_o, only_c = sorted(ao - ac, key=repr), sorted(ac - ao, key=repr)
    if only_o or only_c:
        parts = []
        if only_o:
            parts.append("only the original: " + show_atom(only_o[0])
                         + (f" (+{len(only_o) - 1} more)" if len(only_o) > 1 else ""))
        if only_c:
            parts.append("only the converted: " + show_atom(only_c[0])
                         + (f" (+{len(only_c) - 1} more)" if len(only_c) > 1 else ""))
        if dropped:
            parts.append("read as true: " + ", ".join(sorted(dropped)[:4]))
        return "; ".join(parts)
    x = bdd.apply("and", no, bdd.neg(nc))
    who = "the original"
    if x == 0:
        x, who = bdd.apply("and", nc, bdd.neg(no)), "the converted rule"
    w = bdd.witness(x, order)
    return (f"same atoms, other logic: only {who} holds when "
            + ", ".join(("" if val else "NOT ") + show_atom(a) for a, val in w[:6])
            + (" ..." if len(w) > 6 else ""))


def load_ir(path):
    out = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                out[os.path.splitext(os.path.basename(d["file"]))[0]] = d
    return out


# known-structure.txt tags: why the converted rule's structure differs
STRUCT_TAGS = {"backend", "language", "too-large", "reader"}


def main():
    out, kdiff, kstruct = sys.argv[1], sys.argv[2], sys.argv[3]
    langs = sys.argv[4:] or LANGS
    events_known = by_events.known(kdiff)
    struct_known = by_events.known(kstruct, STRUCT_TAGS)
    conv = collections.defaultdict(dict)
    with open(os.path.join(out, "convert.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if "id" in d and "error" not in d:
                conv[d["backend"]][d["id"]] = d
    orig = load_ir(os.path.join(out, "sigma.ir.jsonl"))
    esql = load_ir(os.path.join(out, "sigma-esql.ir.jsonl"))
    passed = failed = 0
    used = set()
    for lang in langs:
        got = load_ir(os.path.join(out, lang + ".ir.jsonl"))
        tally = collections.Counter()
        for rid, rec in sorted(conv[lang].items()):
            key = (lang, rid)
            o, c = orig.get(rid), got.get(rid)
            if o is None or c is None:
                why = "the original was not read" if o is None else "the reader did not load the converted rule"
                verdict = ("differs", why)
            else:
                verdict = None
                for norms in [()] + lang_norms(lang):
                    # `esql`: the original as ES|QL's LIKE reads the
                    # backend's text (convert.py's emulation, sigma-esql/)
                    base = esql.get(rid, o) if "esql" in norms else o
                    try:
                        d = compare(base, c, set(norms))
                    except TooLarge:
                        verdict = ("too-large", f"more than {NODE_LIMIT} BDD nodes")
                        break
                    if d is None:
                        verdict = ("equal", "+".join(norms))
                        break
                    # reported: the difference left after the most
                    # normalisations (the last combination tried)
                    first = d if not norms else f"{d} (after {'+'.join(norms)})"
                if verdict is None:
                    verdict = ("differs", first)
            kind, why = verdict
            if kind == "equal":
                tally["equal" if not why else "after " + why] += 1
                if key in struct_known:
                    used.add(key)
                    failed += 1
                    print(f"{lang} {rid}: listed in known-structure but now equal"
                          + (f" (after {why})" if why else ""))
                else:
                    passed += 1
                continue
            if kind == "too-large":
                tally["too large"] += 1
                used.add(key)
                passed += 1
                print(f"{lang} {rid}: too large to compare ({why})")
                continue
            if key in struct_known:
                used.add(key)
                tally["known " + struct_known[key][0]] += 1
                passed += 1
                print(f"{lang} {rid}: known ({struct_known[key][0]}): {why}")
            elif key in events_known:
                tally["known events:" + events_known[key][0]] += 1
                passed += 1
                print(f"{lang} {rid}: known from known-differences "
                      f"({events_known[key][0]}): {why}")
            else:
                tally["differs"] += 1
                failed += 1
                print(f"{lang} {rid}: STRUCTURE DIFFERS: {why}; {os.path.basename(rec['file'])}")
                print("    query: " + " ".join(rec["query"].split())[:300])
        n = sum(tally.values())
        eq = tally["equal"]
        after = {k[6:]: v for k, v in tally.items() if k.startswith("after ")}
        pct = lambda x: f"{100.0 * x / n:.1f} %" if n else "-"
        rest = {k: v for k, v in tally.items() if k != "equal" and not k.startswith("after ")}
        print(f"{lang}: {n} converted rules; {eq} structurally equal ({pct(eq)}); "
              f"{sum(after.values())} equal after a target normalisation "
              f"({pct(eq + sum(after.values()))} in all)"
              + (f" {dict(sorted(after.items()))}" if after else "")
              + (f"; other: {dict(sorted(rest.items()))}" if rest else ""))
    failed += by_events.stale(struct_known, used, {(l, rid) for l in langs for rid in conv[l]},
                              "known-structure")
    print(f"oracle-languages-structure: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    # deep conditions (a long OR chain of a converted query) recurse deeply
    # in json and in the tree walks: a big stack for one worker thread
    import threading
    sys.setrecursionlimit(200000)
    threading.stack_size(512 * 1024 * 1024)
    rc = []
    t = threading.Thread(target=lambda: rc.append(main()))
    t.start()
    t.join()
    sys.exit(rc[0] if rc else 2)
