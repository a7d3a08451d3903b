"""ruledex — detection rules of any language over Windows event logs.

The C library does the work; this package hands its results over as
Python values:

    import ruledex
    rules = ruledex.load("examples/rules")          # files or directories, [LANG:]PATH
    for d in rules.hunt("examples/events/sysmon.jsonl"):
        print(d["rule"]["title"], d["event"])
    rules.hunt_events([{"EventID": 1, "Image": "C:\\\\Windows\\\\whoami.exe", ...}])
    rules.explain("1f6e2c1a-...", {"EventID": 1, ...})    # why (not) a match
    rules.page("1f6e2c1a-...")                            # the catalog page
    ruledex.to_dataframe(rules.hunt("logs/"))             # with pandas installed

Detections are the dicts of `ruledex hunt --format jsonl` ({"rule", "source",
"event"}); explain gives `ruledex explain --format json`; page gives
`ruledex show --format json` (docs/PYTHON.md).
"""

import json
import os

from . import _ruledex

__all__ = ["load", "Rules", "to_dataframe", "RuledexError"]

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
EVENT_EXTENSIONS = (".evtx", ".json", ".jsonl", ".ndjson")


class RuledexError(Exception):
    """Rules or events that could not be read at all."""


def _jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line]


class Rules:
    """A loaded rule set with its log-source table (routing, field maps)."""

    def __init__(self, paths, logsources=None, attack=None, placeholders=None):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        paths = [os.fspath(p) for p in paths]
        if logsources is None:
            logsources = os.path.join(DATA, "logsources.yml")
        self._s = _ruledex.load(paths, logsources, attack, placeholders)
        self.diagnostics = _ruledex.diagnostics(self._s)
        self.rules = _jsonl(_ruledex.rules(self._s))

    def __len__(self):
        return len(self.rules)

    def __iter__(self):
        return iter(self.rules)

    @property
    def errors(self):
        return [d for d in self.diagnostics if d["severity"] == "error"]

    def _index(self, rule):
        if isinstance(rule, int):
            return rule
        for r in self.rules:
            if rule in (r["id"], r["title"]):
                return r["index"]
        raise KeyError(rule)

    def hunt(self, *paths):
        """Detections (dicts) of every event of the files or directories."""
        out = []
        for p in _expand(paths):
            text, _messages = _ruledex.hunt(self._s, p)
            out.extend(_jsonl(text))
        return out

    def hunt_events(self, events):
        """Detections of an iterable of events given as dicts (or JSON text)."""
        lines = [e if isinstance(e, str) else json.dumps(e) for e in events]
        if not lines:
            return []
        text, messages = _ruledex.hunt(self._s, None, "\n".join(lines).encode())
        if messages and not text:
            bad = [m for m in messages if m["severity"] == "error"]
            if bad and len(bad) == len(lines):
                raise RuledexError(bad[0]["message"])
        return _jsonl(text)

    def explain(self, rule, event):
        """Why rule (index, id or title) did or did not match event (a dict)."""
        text = event if isinstance(event, str) else json.dumps(event)
        return json.loads(_ruledex.explain(self._s, self._index(rule), text.encode()))

    def page(self, rule):
        """The catalog page of a rule (id or title) as a dict."""
        return json.loads(_ruledex.page(self._s, rule))


def load(*paths, **options):
    """Rules from files or directories of any language ([LANG:]PATH)."""
    return Rules(list(paths), **options)


def _expand(paths):
    for p in paths:
        p = os.fspath(p)
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith(EVENT_EXTENSIONS):
                        yield os.path.join(root, f)
        else:
            yield p


def to_dataframe(detections):
    """Detections as a pandas DataFrame (one row each; rule and source
    flattened to columns, the event kept as a dict).  Needs pandas."""
    import pandas as pd  # optional dependency

    rows = []
    for d in detections:
        row = {f"rule.{k}": v for k, v in d.get("rule", {}).items()}
        row.update({f"source.{k}": v for k, v in d.get("source", {}).items()})
        row["event"] = d.get("event")
        rows.append(row)
    return pd.DataFrame(rows)
