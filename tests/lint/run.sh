#!/bin/sh
# tests/lint/run.sh — ruledex lint against pySigma's validators over the
# SigmaHQ corpus (docs/ORACLE.md).  `make lint-oracle` runs it; it reuses
# the oracle's venv ($B/oracle-venv, the same pySigma pin, made by
# tests/oracle/run.sh when missing) and skips like the oracle does: a SKIP
# line and "lint-oracle: 0 passed, 0 failed", exit 0, unless
# RDX_REQUIRE_ORACLE=1 (CI).  pySigma's validators take a few minutes on
# the corpus, so this runs once in CI, not in make check.
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
CORPUS=${RDX_CORPUS:-../shared/corpus}
VENV=$B/oracle-venv
OUT=$B/oracle
FOLDERS="rules rules-emerging-threats rules-threat-hunting rules-compliance rules-placeholder"

skip() {
    echo "lint-oracle: SKIP: $*"
    echo "lint-oracle: 0 passed, 0 failed"
    [ "${RDX_REQUIRE_ORACLE:-0}" = 1 ] && exit 1
    exit 0
}

[ -d "$CORPUS/sigma/rules" ] || skip "corpus not found at $CORPUS/sigma (set RDX_CORPUS)"
[ -x "$B/ruledex" ] || skip "$B/ruledex not built"
if ! [ -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import sigma.validators.core" 2>/dev/null; then
    # the oracle makes the venv (and skips the same way when PyPI is unreachable)
    RDX_BUILD=$B sh tests/oracle/run.sh >/dev/null 2>&1
    "$VENV/bin/python" -c "import sigma.validators.core" 2>/dev/null ||
        skip "no pySigma venv at $VENV (see tests/oracle/run.sh)"
fi
mkdir -p "$OUT"
paths=""
for f in $FOLDERS; do paths="$paths $CORPUS/sigma/$f"; done
# shellcheck disable=SC2086
"$VENV/bin/python" tests/lint/pysigma_validate.py $paths >"$OUT/pysigma-lint.jsonl" ||
    { echo "lint-oracle: pySigma failed"; echo "lint-oracle: 0 passed, 1 failed"; exit 1; }
# shellcheck disable=SC2086
"$B/ruledex" lint -q -f jsonl $paths >"$OUT/ruledex-lint.jsonl"
python3 tests/lint/compare.py "$OUT/pysigma-lint.jsonl" "$OUT/ruledex-lint.jsonl" tests/lint/known-differences.txt
