#!/usr/bin/env python3
"""toml_check.py — ruledex's TOML reader against Python's tomllib.

Reads the JSON lines of toml_dump (stdin), loads every file they name with
tomllib and compares the two documents value for value (integers stay
integers, floats floats).  Prints each difference and ends with
"toml: N passed, N failed"; exits 1 on a difference.
"""
import json
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11
    print("toml: SKIP: Python's tomllib needs Python 3.11 or later")
    print("toml: 0 passed, 0 failed, 1 skipped")
    sys.exit(0)


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a.keys()) == list(b.keys()) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, float) and isinstance(b, float) and (a == b or a != a and b != b)
    return type(a) is type(b) and a == b


def main():
    passed = failed = 0
    for line in sys.stdin:
        got = json.loads(line)
        path = got["file"]
        try:
            with open(path, "rb") as f:
                want = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            want = None
            why = str(e)
        if want is None:
            ok = "error" in got
            if not ok:
                print(f"{path}: tomllib rejects it ({why}), ruledex reads it")
        elif "error" in got:
            ok = False
            print(f"{path}: ruledex rejects it: {got['error']}")
        else:
            ok = same(got["doc"], want)
            if not ok:
                print(f"{path}: the documents differ")
        passed += ok
        failed += not ok
    print(f"toml: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
