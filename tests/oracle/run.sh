#!/bin/sh
# tests/oracle/run.sh — differential test of ruledex's Sigma loader against
# pySigma (docs/ORACLE.md).  `make oracle` runs it.
#
#   1. a Python venv in $B/oracle-venv with pySigma (pinned below) from PyPI
#   2. tests/oracle/ir_dump.c built against $B/libruledex.a
#   3. both dumps over the SigmaHQ corpus folders and tests/oracle/rules
#   4. compare.py, which prints every difference and ends with
#      "oracle: N passed, N failed"
#
# When pySigma cannot be installed (no PyPI) or the corpus is missing, the
# run is skipped with a SKIP line and "oracle: 0 passed, 0 failed", exit 0 —
# unless RDX_REQUIRE_ORACLE=1 (CI), which makes a skip a failure.
#
# Environment: RDX_BUILD (build directory, default build), RDX_CORPUS
# (default ../shared/corpus), CC, SANFLAGS (sanitizer flags of the build),
# PYTHON (interpreter that makes the venv, default python3).
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
CORPUS=${RDX_CORPUS:-../shared/corpus}
CC=${CC:-cc}
PYTHON=${PYTHON:-python3}
PYSIGMA_VERSION=2.0.1
VENV=$B/oracle-venv
OUT=$B/oracle
FOLDERS="rules rules-emerging-threats rules-threat-hunting rules-compliance rules-placeholder"

skip() {
    echo "oracle: SKIP: $*"
    echo "oracle: 0 passed, 0 failed"
    if [ "${RDX_REQUIRE_ORACLE:-0}" = 1 ]; then
        echo "oracle: RDX_REQUIRE_ORACLE=1, so a skipped oracle is a failure" >&2
        exit 1
    fi
    exit 0
}

fail() {
    echo "oracle: $*" >&2
    echo "oracle: 0 passed, 1 failed"
    exit 1
}

[ -d "$CORPUS/sigma/rules" ] || skip "corpus not found at $CORPUS/sigma (set RDX_CORPUS)"
mkdir -p "$OUT"

# 1. pySigma, installed once per build directory, reinstalled when the pin
#    changes.
if ! "$VENV/bin/python" -c "import sys, importlib.metadata as m;
sys.exit(m.version('pysigma') != '$PYSIGMA_VERSION')" 2>/dev/null; then
    echo "oracle: installing pysigma==$PYSIGMA_VERSION into $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" >"$OUT/venv.log" 2>&1 ||
        skip "cannot create a Python venv with $PYTHON (see $OUT/venv.log)"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
        "pysigma==$PYSIGMA_VERSION" >"$OUT/pip.log" 2>&1 ||
        skip "cannot install pysigma==$PYSIGMA_VERSION from PyPI (unreachable? see $OUT/pip.log)"
fi

# 2. ir_dump, with the flags of the Makefile.
[ -f "$B/libruledex.a" ] || ${MAKE:-make} "$B/libruledex.a" >/dev/null ||
    fail "cannot build $B/libruledex.a"
# shellcheck disable=SC2086  # flag lists are meant to split
$CC -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
    -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
    ${SANFLAGS:-} -O2 -g -Iinclude $(pkg-config --cflags libfyaml libpcre2-8 libhs libdeflate) \
    -o "$OUT/ir_dump" tests/oracle/ir_dump.c "$B/libruledex.a" \
    $(pkg-config --libs libfyaml libpcre2-8 libhs libdeflate) -lpthread -lm ||
    fail "cannot build ir_dump"

# 3. Both dumps over the same paths: the corpus folders and the
#    hand-written rules of tests/oracle/rules.
PATHS=""
for f in $FOLDERS; do PATHS="$PATHS $CORPUS/sigma/$f"; done
# shellcheck disable=SC2086  # PATHS is a list (no spaces in these paths)
"$OUT/ir_dump" $PATHS tests/oracle/rules >"$OUT/ruledex.jsonl" ||
    fail "ir_dump failed"
# shellcheck disable=SC2086
"$VENV/bin/python" tests/oracle/pysigma_dump.py $PATHS tests/oracle/rules >"$OUT/pysigma.jsonl" ||
    fail "pysigma_dump.py failed"

# 4. The comparison.
echo "oracle: pySigma $PYSIGMA_VERSION, $(grep -c '"stages"' "$OUT/ruledex.jsonl") rules from ruledex," \
     "$(grep -c '"stages"' "$OUT/pysigma.jsonl") from pySigma"
"$VENV/bin/python" tests/oracle/compare.py "$OUT/ruledex.jsonl" "$OUT/pysigma.jsonl" \
    tests/oracle/known-differences.txt
