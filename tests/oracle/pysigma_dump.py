#!/usr/bin/env python3
"""pysigma_dump.py — print pySigma's view of Sigma rules as JSON lines.

The reference half of the differential oracle (tests/oracle/, see
docs/ORACLE.md).  Every rule file under the given paths is loaded with
pySigma (SigmaCollection.from_yaml, errors collected), and each rule is
printed as one JSON line in the shape compare.py reads:

  {"file", "id", "title", "level", "status", "kind", "errors": [...],
   "logsource": {...}, "tags": [...], "condition": [texts],
   "stages": {name: [ group: [ item ... ] ... ]}}

A stage (SigmaDetection) becomes a list of alternatives: a map is one group
(its detection items are AND-ed), a list of maps or of values nested in a
list is one group per element, a plain value or a list of plain values is
one group holding one keyword item.  An item (SigmaDetectionItem) is

  {"field", "modifiers": [names], "linking": "and"|"or", "negated",
   "values": [ {"kind", "variants": [...], ...} ]}

with the values as pySigma holds them *after* its modifiers ran.  Strings
are rendered in Sigma syntax by walking SigmaString.s: str parts with every
`\\`, `*`, `?` (and `%` with |expand) escaped, WILDCARD_MULTI as `*`,
WILDCARD_SINGLE as `?`, Placeholder as `%name%`.  A SigmaExpansion
(windash, base64offset) is one value with several variants, flattened when
expansions nest (windash then base64offset).

Standard library and pySigma only.  Usage: pysigma_dump.py PATH...
"""

import json
import os
import sys

from sigma.collection import SigmaCollection
from sigma.conditions import ConditionAND
from sigma.correlations import SigmaCorrelationRule
from sigma.filters import SigmaFilter
from sigma.modifiers import SigmaExpandModifier, reverse_modifier_mapping
from sigma.rule import SigmaDetection, SigmaDetectionItem, SigmaRule
from sigma.types import (
    Placeholder,
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaString,
    SigmaTimestampPart,
    SpecialChars,
)


def rule_files(paths):
    """Every *.yml / *.yaml under paths, sorted (ruledex reads them that way)."""
    out = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith((".yml", ".yaml")):
                        out.append(os.path.join(root, f))
        else:
            out.append(p)
    return out


def render_string(s, placeholders):
    """A SigmaString in Sigma syntax, every special character escaped."""
    out = []
    for part in s.s:
        if isinstance(part, str):
            esc = part.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")
            if placeholders:
                esc = esc.replace("%", "\\%")
            out.append(esc)
        elif part == SpecialChars.WILDCARD_MULTI:
            out.append("*")
        elif part == SpecialChars.WILDCARD_SINGLE:
            out.append("?")
        elif isinstance(part, Placeholder):
            out.append("%" + part.name + "%")
        else:
            out.append("<?%r>" % (part,))
    return "".join(out)


def number_json(n):
    """An int stays an int; a float that JSON cannot carry becomes text."""
    if isinstance(n, bool):
        return n
    if isinstance(n, int):
        return n
    if n != n or n in (float("inf"), float("-inf")):
        return str(n)
    return n


def value(v, placeholders):
    """One value after modifiers → {"kind", "variants", ...}."""
    if isinstance(v, SigmaExpansion):
        inner = [value(x, placeholders) for x in v.values]
        kinds = sorted({x["kind"] for x in inner})
        variants = [var for x in inner for var in x["variants"]]
        return {"kind": kinds[0] if len(kinds) == 1 else "mixed", "expansion": True,
                "cased": any(x.get("cased") for x in inner), "variants": variants}
    if isinstance(v, SigmaCasedString):
        return {"kind": "string", "cased": True, "variants": [render_string(v, placeholders)]}
    if isinstance(v, SigmaString):
        return {"kind": "string", "variants": [render_string(v, placeholders)]}
    if isinstance(v, SigmaTimestampPart):
        return {"kind": "timepart", "part": v.timestamp_part.name.lower(),
                "number": number_json(v.number), "variants": [str(v.number)]}
    if isinstance(v, SigmaNumber):
        return {"kind": "number", "number": number_json(v.number), "variants": [str(v.number)]}
    if isinstance(v, SigmaBool):
        return {"kind": "bool", "boolean": v.boolean, "variants": ["true" if v.boolean else "false"]}
    if isinstance(v, SigmaNull):
        return {"kind": "null", "variants": []}
    if isinstance(v, SigmaRegularExpression):
        # regexp is a SigmaString parsed without escapes; to_plain(regex=True)
        # gives the expression text back unchanged.
        return {"kind": "regex", "flags": sorted(f.name.lower() for f in v.flags),
                "variants": [v.regexp.to_plain(regex=True)]}
    if isinstance(v, SigmaCIDRExpression):
        return {"kind": "cidr", "cidr": v.cidr, "network": str(v.network), "variants": [v.cidr]}
    if isinstance(v, SigmaExists):
        return {"kind": "exists", "boolean": v.exists, "variants": ["true" if v.exists else "false"]}
    if isinstance(v, SigmaCompareExpression):
        out = {"kind": "compare", "op": v.op.name.lower(), "number": number_json(v.number.number),
               "variants": [str(v.number.number)]}
        if isinstance(v.number, SigmaTimestampPart):  # year|gte: a time part compared
            out["part"] = v.number.timestamp_part.name.lower()
        return out
    if isinstance(v, SigmaFieldReference):
        return {"kind": "fieldref", "starts_with": v.starts_with, "ends_with": v.ends_with,
                "variants": [v.field]}
    return {"kind": type(v).__name__, "variants": [str(v)]}


def item(di):
    """One SigmaDetectionItem."""
    mods = [reverse_modifier_mapping[m.__name__] for m in di.modifiers]
    placeholders = SigmaExpandModifier in di.modifiers
    return {
        "field": di.field,
        "modifiers": mods,
        "linking": "and" if di.value_linking is ConditionAND else "or",
        "negated": bool(di.negated),
        "values": [value(v, placeholders) for v in di.value],
    }


def group(det):
    """A SigmaDetection nested in a list → one AND group of items."""
    out = []
    for x in det.detection_items:
        if isinstance(x, SigmaDetectionItem):
            out.append(item(x))
        else:  # a list inside a list: no ruledex equivalent; show it as such
            out.append({"field": None, "modifiers": [], "linking": "or", "negated": False,
                        "nested": True, "values": []})
    return out


def stage(det):
    """A named SigmaDetection → its alternatives (groups)."""
    if any(isinstance(x, SigmaDetection) for x in det.detection_items):
        return [group(x) if isinstance(x, SigmaDetection) else [item(x)]
                for x in det.detection_items]
    return [[item(x) for x in det.detection_items]]


def text(x):
    return None if x is None else str(x)


def rule_line(path, r):
    kind = ("correlation" if isinstance(r, SigmaCorrelationRule)
            else "filter" if isinstance(r, SigmaFilter) else "detection")
    out = {
        "file": path,
        "id": text(r.id),
        "title": r.title,
        "level": text(r.level),
        "status": text(r.status),
        "kind": kind,
        "errors": [str(e) for e in r.errors],
        "tags": [str(t) for t in r.tags],
    }
    if isinstance(r, SigmaRule):
        ls = r.logsource
        out["logsource"] = {k: getattr(ls, k) for k in ("category", "product", "service", "definition")
                            if getattr(ls, k, None) is not None}
        detections = getattr(r.detection, "detections", {}) or {}
        out["condition"] = list(getattr(r.detection, "condition", []) or [])
        out["stages"] = {name: stage(d) for name, d in detections.items()}
        # Parse the conditions too: an error there is a rule pySigma refuses.
        for c in getattr(r.detection, "parsed_condition", []):
            try:
                c.parsed
            except Exception as e:  # noqa: BLE001 - any refusal is a finding
                out["errors"].append("condition: %s" % e)
    return out


def main(argv):
    if len(argv) < 2:
        print("usage: pysigma_dump.py PATH...", file=sys.stderr)
        return 2
    out = sys.stdout
    for path in rule_files(argv[1:]):
        try:
            with open(path, encoding="utf-8") as f:
                col = SigmaCollection.from_yaml(f.read(), collect_errors=True, collect_filters=True)
        except Exception as e:  # noqa: BLE001 - YAML or collection errors end the file
            out.write(json.dumps({"diag": "error", "file": path, "message": str(e)}) + "\n")
            continue
        for e in col.errors:
            out.write(json.dumps({"diag": "error", "file": path, "message": str(e)}) + "\n")
        for r in list(col.rules) + list(getattr(col, "filters", []) or []):
            try:
                line = rule_line(path, r)
            except Exception as e:  # noqa: BLE001
                line = {"diag": "error", "file": path, "message": "dump: %r" % e}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
