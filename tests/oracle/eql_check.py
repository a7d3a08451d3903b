#!/usr/bin/env python3
"""eql_check.py — ruledex's EQL reader against Elastic's own `eql` package.

stdin: the JSON lines of elastic_dump (one per EQL rule).  For each, the
rule's query is parsed by `eql` (Elasticsearch syntax, unknown functions
allowed) and the structures must agree:

  * the kind: a single event query, a sequence or a sample;
  * the event category of each subquery, in order (`until` and missing
    events excluded on both sides; under `any where`, ruledex may show the
    query's own event.category test);
  * every field ruledex made a predicate on is a field eql sees in the
    query (ruledex leaves some comparisons opaque, so only this way).

Queries eql cannot parse (syntax newer than the package) are counted and
listed, not failed.  Ends with "eql: N passed, N failed, N skipped".
"""
import json
import sys
import tomllib

import eql


def slots(n):
    out = []
    for cls in type(n).__mro__:
        out += list(getattr(cls, "__slots__", ()))
    return out


def walk(n, f, seen=None):
    f(n)
    if isinstance(n, (list, tuple)):
        for x in n:
            walk(x, f)
    elif isinstance(n, eql.ast.BaseNode):
        for s in slots(n):
            walk(getattr(n, s, None), f)


def structure(query):
    with eql.parser.elasticsearch_syntax, eql.parser.ignore_missing_functions, \
            eql.parser.skip_optimizations:
        ast = eql.parse_query(query)
    first = ast.first
    fields = set()

    def f(n):
        if isinstance(n, eql.ast.Field):
            fields.add(".".join([n.base] + [str(p) for p in n.path]))

    walk(ast, f)
    if isinstance(first, (eql.ast.Sequence, eql.ast.Sample)):
        kind = "sequence" if isinstance(first, eql.ast.Sequence) else "sample"
        cats = [q.query.event_type for q in first.queries]
    else:
        kind, cats = "event", [first.event_type]
    return kind, cats, fields


def main():
    passed = failed = skipped = 0
    for line in sys.stdin:
        got = json.loads(line)
        with open(got["file"], "rb") as fh:
            query = tomllib.load(fh)["rule"]["query"]
        try:
            kind, cats, fields = structure(query)
        except Exception as e:  # eql's own parse errors
            skipped += 1
            print(f"{got['file']}: eql cannot parse it: {str(e).splitlines()[0][:120]}")
            continue
        problems = []
        if got["kind"] != kind:
            problems.append(f"kind {got['kind']} != {kind}")
        # `any where event.category == "file"`: ruledex shows the query's own
        # category test where eql says any
        same = len(got["categories"]) == len(cats) and all(
            g == c or (c == "any" and "event.category" in fields) for g, c in zip(got["categories"], cats))
        if not same:
            problems.append(f"categories {got['categories']} != {cats}")
        extra = [f for f in got["fields"] if f not in fields]
        if extra:
            problems.append(f"fields eql does not see: {extra}")
        if problems:
            failed += 1
            print(f"{got['file']}: " + "; ".join(problems))
        else:
            passed += 1
    print(f"eql: {passed} passed, {failed} failed, {skipped} skipped")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
