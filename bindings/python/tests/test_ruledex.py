"""pytest: the Python bindings over the shipped examples (run from anywhere)."""

import json
import os

import pytest

import ruledex

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RULES = os.path.join(ROOT, "examples", "rules")
SYSMON = os.path.join(ROOT, "examples", "events", "sysmon.jsonl")
WHOAMI = "1f6e2c1a-6b0d-4c51-9a47-3f0f2f2b9c01"
EVENT = {
    "Channel": "Microsoft-Windows-Sysmon/Operational",
    "EventID": 1,
    "Image": "C:\\Windows\\System32\\whoami.exe",
    "CommandLine": "whoami /priv",
}


@pytest.fixture(scope="module")
def rules():
    return ruledex.load(RULES)


def test_load_rules(rules):
    assert len(rules) >= 8
    assert not rules.errors
    r = next(r for r in rules if r["id"] == WHOAMI)
    assert r["lang"] == "sigma" and r["category"] == "process_creation"
    assert "attack.t1033" in r["tags"]


def test_hunt_file_matches_the_cli(rules):
    dets = rules.hunt(SYSMON)
    assert dets, "the shipped Sysmon events fire shipped rules"
    assert {"rule", "source", "event"} <= set(dets[0])
    assert any(d["rule"]["id"] == WHOAMI for d in dets)
    assert rules.hunt(os.path.dirname(SYSMON))  # a directory


def test_hunt_iterator_of_dicts(rules):
    dets = rules.hunt_events(iter([EVENT, {"EventID": 3}]))
    assert [d["rule"]["id"] for d in dets] == [WHOAMI]
    assert dets[0]["event"]["Image"].endswith("whoami.exe")
    assert rules.hunt_events([]) == []


def test_explain(rules):
    e = rules.explain(WHOAMI, EVENT)
    assert e["matched"] and e["reported"] and e["routing"]["covered"]
    names = [s["name"] for s in e["stages"]]
    assert names[:2] == ["selection_img", "selection_cli"]  # then the examples' filter
    miss = rules.explain(WHOAMI, dict(EVENT, CommandLine="whoami"))
    assert not miss["matched"]
    cli = miss["stages"][1]["groups"][0][0]
    assert cli["saw"] == ["whoami"] and cli["verdict"] is False
    with pytest.raises(KeyError):
        rules.explain("no such rule", EVENT)


def test_page(rules):
    p = rules.page(WHOAMI)
    assert json.dumps(p)
    assert WHOAMI in json.dumps(p)


def test_diagnostics_for_a_bad_rule(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("title: Bad\nlogsource: {product: windows}\ndetection:\n  sel:\n"
                   "    Image|containz: x\n  condition: sel\n")
    rs = ruledex.load(str(bad))
    assert rs.errors and rs.errors[0]["line"] == 5
    assert "containz" in rs.errors[0]["message"]


def test_dataframe(rules):
    pd = pytest.importorskip("pandas")
    df = ruledex.to_dataframe(rules.hunt(SYSMON))
    assert isinstance(df, pd.DataFrame) and "rule.title" in df.columns
