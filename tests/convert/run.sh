#!/bin/sh
# tests/convert/run.sh — `ruledex convert` proven against the native engine
# (docs/CONVERT.md, "How it is tested").
#
# Over the corpus' EVTX samples and SigmaHQ's regression data, for every
# SigmaHQ rule with regression data and every rule `hunt` matches there
# (RDX_CONVERT_ALL=1: every rule), the SQL of `ruledex convert` run by
# SQLite (Python's sqlite3), DuckDB and ClickHouse (chDB) must return
# exactly the events hunt matches.  DuckDB and chDB come from PyPI into
# $B/convert-venv; an engine that cannot be installed is skipped with a
# message (a failure with RDX_REQUIRE_ORACLE=1).  Without the corpus the
# suite is skipped (a failure with RDX_REQUIRE_CORPUS=1).
#
# pySigma's SQLite backend is a second opinion (tests/convert/pysigma.py);
# its differences are listed in tests/convert/pysigma-differences.txt.
#
# Prints "engine ENGINE: N passed, N failed[, N skipped]" per engine and
# "convert: N passed, N failed, N skipped" last.
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
CORPUS=${RDX_CORPUS:-../shared/corpus}
PYTHON=${PYTHON:-python3}
VENV=$B/convert-venv
PINS="duckdb==2.0.1 chdb==4.4.0 pysigma-backend-sqlite==2.1.1"

finish() {   # passed failed skipped
    echo "convert: $1 passed, $2 failed, $3 skipped"
    [ "$2" = 0 ]
    exit $?
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# DuckDB and chDB, once per build directory.
py=$PYTHON
skipped=0
if [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV" >"$work/venv.log" 2>&1; then
    py=$VENV/bin/python
    for pin in $PINS; do
        "$py" -c "import sys, importlib.metadata as m
sys.exit(m.version('${pin%%==*}') != '${pin#*==}')" 2>/dev/null && continue
        "$VENV/bin/pip" install --quiet --disable-pip-version-check "$pin" >>"$work/pip.log" 2>&1 ||
            echo "convert: cannot install $pin from PyPI: $(tail -1 "$work/pip.log")"
    done
fi
engines=sqlite
for mod in duckdb chdb; do
    if "$py" -c "import $mod" 2>/dev/null; then
        engines="$engines,$mod"
    elif [ "${RDX_REQUIRE_ORACLE:-0}" = 1 ]; then
        echo "FAIL convert: $mod is not installed (RDX_REQUIRE_ORACLE=1)"
        finish 0 1 0
    else
        echo "skip convert $mod: it could not be installed from PyPI"
        skipped=$((skipped + 1))
    fi
done
# 1. The edge cases (tests/convert/rules, tests/convert/events): every
#    engine loads its own --load-events script, so each dialect's INSERT
#    statements are checked too.  Needs no corpus.
"$py" tests/convert/check.py --ruledex "$B/ruledex" --work "$work" --all --scripts \
    --rules tests/convert/rules --rules tests/convert/rules-other --events tests/convert/events \
    --engines "$engines" >"$work/out" 2>&1 || echo "FAIL convert: check.py failed on the edge cases" >>"$work/out"
sed 's/^engine /engine edge-/' "$work/out" >"$work/all"
cat "$work/all"

# 1b. Correlation rules (tests/convert/corr/): the groups and window ends of
#     each converted correlation against hunt's correlation detections, by
#     the comparison rule of docs/CONVERT.md.  SQLite, DuckDB and chDB.
corr_engines=$(echo "$engines" | tr ',' '\n' | grep -E '^(sqlite|duckdb|chdb)$' | paste -sd, -)
"$py" tests/convert/corr.py --ruledex "$B/ruledex" --work "$work" --engines "$corr_engines" \
    >"$work/out" 2>&1 || echo "engine corr: 0 passed, 1 failed (corr.py failed)" >>"$work/out"
cat "$work/out"
cat "$work/out" >>"$work/all"

# 2. The corpus: SigmaHQ's rules over the EVTX samples and regression data.
if [ ! -d "$CORPUS/sigma/rules" ] || [ ! -d "$CORPUS/evtx-samples" ]; then
    if [ "${RDX_REQUIRE_CORPUS:-0}" = 1 ]; then
        echo "FAIL convert: needs the corpus (RDX_REQUIRE_CORPUS=1), but $CORPUS is absent"
        echo "engine corpus: 0 passed, 1 failed" >>"$work/all"
    else
        echo "skip convert: needs the corpus, and $CORPUS is absent (set RDX_CORPUS)"
        echo "engine corpus: 0 passed, 0 failed, 1 skipped" >>"$work/all"
    fi
else
    all=
    [ "${RDX_CONVERT_ALL:-0}" = 1 ] && all=--all
    if "$py" tests/convert/check.py --ruledex "$B/ruledex" --work "$work" $all \
        --rules "$CORPUS/sigma/rules" --rules "$CORPUS/sigma/rules-emerging-threats" \
        --rules "$CORPUS/sigma/rules-threat-hunting" \
        --events "$CORPUS/evtx-samples" --events "$CORPUS/sigma-regression/regression_data" \
        --index "$CORPUS/sigma-regression/INDEX.tsv" \
        --known tests/convert/known-differences.txt --engines "$engines" >"$work/out" 2>&1; then
        cat "$work/out"
        cat "$work/out" >>"$work/all"
    else
        cat "$work/out"
        echo "engine corpus: 0 passed, 1 failed (check.py failed)" >>"$work/all"
    fi
fi
# 3. pySigma's SQLite backend as a second opinion on the regression rules:
#    its differences from hunt must be those listed, with their reasons, in
#    tests/convert/pysigma-differences.txt.
if [ -d "$CORPUS/sigma-regression" ] && "$py" -c "import sigma.backends.sqlite" 2>/dev/null; then
    if "$py" tests/convert/pysigma.py "$B/ruledex" "$CORPUS" "$work" "$work/pysigma.txt" >"$work/out" 2>&1 &&
        grep -v '^#' tests/convert/pysigma-differences.txt | cmp -s - "$work/pysigma.txt"; then
        cat "$work/out"
        echo "engine pysigma: 1 passed, 0 failed" >>"$work/all"
    else
        cat "$work/out"
        echo "FAIL convert: pySigma's differences changed (< listed, > now):"
        grep -v '^#' tests/convert/pysigma-differences.txt | diff - "$work/pysigma.txt" | head -20
        echo "engine pysigma: 0 passed, 1 failed" >>"$work/all"
    fi
elif [ -d "$CORPUS/sigma-regression" ] && [ "${RDX_REQUIRE_ORACLE:-0}" = 1 ]; then
    echo "FAIL convert: pysigma-backend-sqlite is not installed (RDX_REQUIRE_ORACLE=1)"
    echo "engine pysigma: 0 passed, 1 failed" >>"$work/all"
else
    echo "skip convert pysigma: no corpus or no pysigma-backend-sqlite"
    echo "engine pysigma: 0 passed, 0 failed, 1 skipped" >>"$work/all"
fi
p=$(awk '/^engine [a-z-]+: [0-9]+ passed/ { s += $3 } END { print s + 0 }' "$work/all")
f=$(awk '/^engine [a-z-]+: [0-9]+ passed/ { s += $5 } END { print s + 0 }' "$work/all")
s=$(awk '/^engine [a-z-]+: [0-9]+ passed/ { s += $7 } END { print s + 0 }' "$work/all")
finish "$p" "$f" $((s + skipped))
