#!/bin/sh
# tests/oracle/eql_check.sh — ruledex's EQL reader against Elastic's own
# `eql` package (PyPI, pinned below) on every EQL rule of the Elastic
# corpus: the kind of query, the event category of each subquery and the
# fields ruledex tests must agree (tests/oracle/eql_check.py).  `make
# oracle` runs it.  Skips with a message when the corpus is missing or the
# package cannot be installed, unless RDX_REQUIRE_ORACLE=1.
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
CORPUS=${RDX_CORPUS:-../shared/corpus}
PYTHON=${PYTHON:-python3}
EQL_VERSION=1.0.1
VENV=$B/oracle-eql-venv
OUT=$B/oracle
mkdir -p "$OUT"

skip() {
    echo "eql: SKIP: $*"
    echo "eql: 0 passed, 0 failed, 1 skipped"
    [ "${RDX_REQUIRE_ORACLE:-0}" = 1 ] && { echo "eql: RDX_REQUIRE_ORACLE=1, so a skip is a failure" >&2; exit 1; }
    exit 0
}

[ -d "$CORPUS/elastic" ] || skip "corpus not found at $CORPUS/elastic (set RDX_CORPUS)"
if ! "$VENV/bin/python" -c "import sys, importlib.metadata as m;
sys.exit(m.version('eql') != '$EQL_VERSION')" 2>/dev/null; then
    echo "eql: installing eql==$EQL_VERSION into $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" >"$OUT/eql-venv.log" 2>&1 ||
        skip "cannot create a Python venv with $PYTHON (see $OUT/eql-venv.log)"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "eql==$EQL_VERSION" \
        >"$OUT/eql-pip.log" 2>&1 ||
        skip "cannot install eql==$EQL_VERSION from PyPI (unreachable? see $OUT/eql-pip.log)"
fi
"$VENV/bin/python" -c 'import tomllib' 2>/dev/null || skip "the venv's Python has no tomllib (3.11+)"
"$B/elastic_dump" "$CORPUS/elastic" >"$OUT/elastic-eql.jsonl" || { echo "eql: 0 passed, 1 failed"; exit 1; }
"$VENV/bin/python" tests/oracle/eql_check.py <"$OUT/elastic-eql.jsonl" | tee "$OUT/eql-check.txt" | tail -1
grep -q '^eql: [0-9]* passed, 0 failed' "$OUT/eql-check.txt"
