#!/bin/sh
# tests/oracle/languages/run.sh — the round trip of the non-Sigma readers
# through pySigma's backends (docs/ORACLE.md, "Languages round trip").
# `make oracle-languages` runs it.
#
#   1. a venv in $B/oracle-lang-venv with pySigma and the Splunk, Kusto,
#      Elasticsearch and SecOps backends (pinned below) from PyPI
#   2. convert.py: every SigmaHQ rule with regression data, converted by
#      each backend into SPL, KQL, Lucene, EQL, ES|QL and YARA-L and written
#      as files ruledex's readers read
#   3. `ruledex hunt` with the originals and with each language's rules over
#      the same events: the regression .evtx files and the EVTX samples
#   4. compare.py: per rule and language, the same events must match,
#      or known-differences.txt says why not; ends with
#      "oracle-languages: N passed, N failed"
#
# Skips (exit 0, a SKIP line) when the corpus is missing or PyPI cannot be
# reached, unless RDX_REQUIRE_ORACLE=1.  RDX_LANG_ORACLE_ALL=1 converts every
# rule of the SigmaHQ folders, not only those with regression data (slower:
# a few minutes).  Environment: RDX_BUILD, RDX_CORPUS, PYTHON.
set -u
cd "$(dirname "$0")/../../.."
B=${RDX_BUILD:-build}
CORPUS=${RDX_CORPUS:-../shared/corpus}
PYTHON=${PYTHON:-python3}
VENV=$B/oracle-lang-venv
OUT=$B/oracle/languages
HERE=tests/oracle/languages
PINS="pysigma==1.5.1 pysigma-backend-splunk==2.1.0 pysigma-backend-kusto==1.0.1
      pysigma-backend-elasticsearch==2.1.1 pysigma-backend-secops==1.0.0"

skip() {
    echo "oracle-languages: SKIP: $*"
    echo "oracle-languages: 0 passed, 0 failed, 1 skipped"
    if [ "${RDX_REQUIRE_ORACLE:-0}" = 1 ]; then
        echo "oracle-languages: RDX_REQUIRE_ORACLE=1, so a skip is a failure" >&2
        exit 1
    fi
    exit 0
}

[ -f "$CORPUS/sigma-regression/INDEX.tsv" ] ||
    skip "corpus not found at $CORPUS/sigma-regression (set RDX_CORPUS)"
[ -x "$B/ruledex" ] || ${MAKE:-make} "$B/ruledex" >/dev/null || {
    echo "oracle-languages: 0 passed, 1 failed"; exit 1; }
mkdir -p "$B/oracle"

# 1. the venv, made again when a pin changes
want=$(echo $PINS | tr ' ' '\n' | sort | tr '\n' ' ')
if [ "$(cat "$VENV/pins" 2>/dev/null)" != "$want" ]; then
    echo "oracle-languages: installing $want into $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" >"$B/oracle/lang-venv.log" 2>&1 ||
        skip "cannot create a Python venv with $PYTHON (see $B/oracle/lang-venv.log)"
    # shellcheck disable=SC2086  # PINS is a list
    "$VENV/bin/pip" install --quiet --disable-pip-version-check $PINS \
        >"$B/oracle/lang-pip.log" 2>&1 ||
        skip "cannot install the pySigma backends from PyPI (unreachable? see $B/oracle/lang-pip.log)"
    echo "$want" >"$VENV/pins"
fi

# 2. the rules to convert
rm -rf "$OUT"
mkdir -p "$OUT"
if [ "${RDX_LANG_ORACLE_ALL:-0}" = 1 ]; then
    for f in rules rules-emerging-threats rules-threat-hunting; do
        find "$CORPUS/sigma/$f" -name '*.yml'
    done | sort >"$OUT/rules.txt"
else
    tail -n +2 "$CORPUS/sigma-regression/INDEX.tsv" | cut -f2 |
        sed "s|^|$CORPUS/sigma/|" | sort >"$OUT/rules.txt"
fi
# shellcheck disable=SC2046  # one path a line, no spaces in the corpus
"$VENV/bin/python" "$HERE/convert.py" "$OUT" $(cat "$OUT/rules.txt") ||
    { echo "oracle-languages: 0 passed, 1 failed"; exit 1; }
cp data/logsources.yml "$OUT/"

# 3. the same events for every language: the regression .evtx files and
#    the EVTX samples (only .evtx: the regression folders hold the same
#    events as .json too), linked into one folder because sample names
#    hold spaces; the field map of the run maps the Sigma names to
#    themselves (convert.py)
mkdir -p "$OUT/events"
n=0
{
    find "$CORPUS/sigma-regression/regression_data" -name '*.evtx'
    [ -d "$CORPUS/evtx-samples" ] && find "$CORPUS/evtx-samples" -name '*.evtx'
} | sort | while IFS= read -r f; do
    n=$((n + 1))
    ln -s "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$OUT/events/$n-$(basename "$f" | tr ' ' _)"
done
# RDX_LANG_ORACLE_LANGS="lucene esql": those languages only (convert.py and
# compare.py read it too); the originals and emulations always run — the
# emulations as convert.py wrote them (OUT/sigma-HOW/, its EMULATIONS)
emulations=$(cd "$OUT" && for d in sigma-*/; do [ -d "$d" ] && printf '%s ' "${d%/}"; done)
# shellcheck disable=SC2086  # lists of names
for l in sigma $emulations ${RDX_LANG_ORACLE_LANGS:-splunk kusto lucene eql esql yaral}; do
    case $l in lucene|eql|esql) reader=elastic ;; sigma*) reader=sigma ;; *) reader=$l ;; esac
    RULEDEX_DATA=$OUT "$B/ruledex" hunt -j 2 -q -f jsonl -o "$OUT/$l.hits.jsonl" \
        -r "$reader:$OUT/$l" "$OUT/events" 2>"$OUT/$l.stderr"
    rc=$?
    # 0 nothing found, 1 found; 4/5 add input errors (reported in compare)
    case $rc in 0|1|4|5) ;; *) echo "oracle-languages: hunt with $l rules failed ($rc; $OUT/$l.stderr)"
                             echo "oracle-languages: 0 passed, 1 failed"; exit 1 ;; esac
done

# 4. the verdict
python3 "$HERE/compare.py" "$OUT" "$HERE/known-differences.txt" | tee "$OUT/compare.txt" |
    grep -v '^    '
events_ok=0
grep -q '^oracle-languages: [0-9]* passed, 0 failed' "$OUT/compare.txt" || events_ok=1

# 5. the structure (structure.py, docs/ORACLE.md "Structure"): the
#    intermediate form each reader built of a converted rule (`ruledex lint
#    -f ir`) against the original's, modulo the documented normalisations
structure_ok=0
for l in sigma sigma-esql ${RDX_LANG_ORACLE_LANGS:-splunk kusto lucene eql esql yaral}; do
    case $l in lucene|eql|esql) reader=elastic ;; sigma*) reader=sigma ;; *) reader=$l ;; esac
    RULEDEX_DATA=$OUT "$B/ruledex" lint -q --no-checks -f ir "$reader:$OUT/$l" \
        >"$OUT/$l.ir.jsonl" 2>"$OUT/$l.ir.stderr"
done
# shellcheck disable=SC2086  # a list of languages
python3 "$HERE/structure.py" "$OUT" "$HERE/known-differences.txt" "$HERE/known-structure.txt" \
    ${RDX_LANG_ORACLE_LANGS:-} | tee "$OUT/structure.txt" | grep -v '^    '
grep -q '^oracle-languages-structure: [0-9]* passed, 0 failed' "$OUT/structure.txt" || structure_ok=1

# 6. RDX_LANG_ORACLE_PIPELINES=1 (docs/ORACLE.md "Pipelines"): the rules
#    convert.py also converted through the backends' processing pipelines
#    (OUT/LANG@PIPELINE), read back with the real data/fields.yml, compared
#    by structure; their entries in known-structure.txt are LANG@PIPELINE
pipelines_ok=0
if [ "${RDX_LANG_ORACLE_PIPELINES:-0}" = 1 ]; then
    mkdir -p "$OUT/pipeline-data"
    cp data/fields.yml data/logsources.yml "$OUT/pipeline-data/"
    runs=""
    for d in "$OUT"/*@*; do
        [ -d "$d" ] || continue
        l=$(basename "$d")
        runs="$runs $l"
        case ${l%@*} in lucene|eql|esql) reader=elastic ;; *) reader=${l%@*} ;; esac
        RULEDEX_DATA=$OUT/pipeline-data "$B/ruledex" lint -q --no-checks -f ir "$reader:$d" \
            >"$OUT/$l.ir.jsonl" 2>"$OUT/$l.ir.stderr"
    done
    # shellcheck disable=SC2086  # a list of runs
    python3 "$HERE/structure.py" "$OUT" "$HERE/known-differences.txt" "$HERE/known-structure.txt" \
        $runs | tee "$OUT/structure-pipelines.txt" | grep -v '^    '
    grep -q '^oracle-languages-structure: [0-9]* passed, 0 failed' "$OUT/structure-pipelines.txt" ||
        pipelines_ok=1
fi
[ "$events_ok" = 0 ] && [ "$structure_ok" = 0 ] && [ "$pipelines_ok" = 0 ]
