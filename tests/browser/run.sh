#!/bin/sh
# The catalog site in a real browser: builds the catalog of every source of
# the corpus (../shared/corpus, or $RDX_CORPUS: sigma, splunk, kusto,
# chronicle, elastic — the command of docs/CATALOG.md) and checks
# it in headless Chromium (Debian's chromium package) through the DevTools
# protocol (tests/browser/check.js, Node built-ins only): every kind of page
# loads without console errors, search finds a given rule, the filters
# work, a rule page of every source loads and the source filter keeps to
# it, the seed rule's indicators count several sources, the ATT&CK matrix
# shades by source and shows their overlap, the per-source Navigator
# layers score their own rules, everything shows without JavaScript, and a screenshot of a rule page
# is written to $B/browser/rule-page.png.  The HTML report of a hunt over the
# EVTX samples (`hunt --report`) is checked in the same browser: no console
# error, no network request, its counts equal the hunt's JSON Lines, its rule
# links reach the catalog's pages; its screenshot is $B/browser/hunt-report.png.
#
# Ends with "browser: N passed, N failed[, N skipped]".  Without Chromium,
# Node or the corpus the check is skipped, unless RDX_REQUIRE_CORPUS=1 (CI),
# which makes that a failure.
B=${RDX_BUILD:-build}
RDX=$(pwd)/$B/ruledex
CORPUS=${RDX_CORPUS:-../shared/corpus}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
RULE_ID=2267fe65-0681-42ad-9a6d-46553d3f3480
RULE_TITLE="WSL Child Process Anomaly"

missing=""
[ -x "$RDX" ] || missing="$missing $RDX"
[ -n "$CHROMIUM" ] || missing="$missing chromium"
command -v node >/dev/null 2>&1 || missing="$missing node"
for src in sigma splunk kusto chronicle elastic; do
    [ -d "$CORPUS/$src" ] || missing="$missing $CORPUS/$src"
done
if [ -n "$missing" ]; then
    echo "browser: missing$missing"
    if [ "$RDX_REQUIRE_CORPUS" = 1 ]; then
        echo "browser: 0 passed, 1 failed"
        exit 1
    fi
    echo "browser: 0 passed, 0 failed, 1 skipped"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
site=$tmp/site
# Exit 4 is expected: a few SigmaHQ documents (unsupported/) do not load.
"$RDX" catalog -r "sigma:$CORPUS/sigma" -r "splunk:$CORPUS/splunk" -r "kusto:$CORPUS/kusto" \
    -r "chronicle:$CORPUS/chronicle" -r "elastic:$CORPUS/elastic" \
    -a "$CORPUS/attack/enterprise-attack.json" -o "$site" -q
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
    echo "browser: catalog build failed (exit status $rc)"
    echo "browser: 0 passed, 1 failed"
    exit 1
fi
# The hunt report, written into the site so its rule links reach the
# catalog's pages, and the same hunt as JSON Lines to count against.
report="" jsonl=""
if [ -d "$CORPUS/evtx-samples" ]; then
    report=$site/report.html
    jsonl=$tmp/hunt.jsonl
    "$RDX" hunt -q -f jsonl --summary-record --exclude-noisy --report "$report" \
        -r "$CORPUS/sigma/rules" "$CORPUS/evtx-samples" >"$jsonl"
    rc=$?
    if [ $rc -ne 1 ]; then
        echo "browser: hunt --report failed (exit status $rc)"
        echo "browser: 0 passed, 1 failed"
        exit 1
    fi
else
    echo "browser: $CORPUS/evtx-samples absent: the hunt report is not checked"
fi
CHROMIUM=$CHROMIUM node tests/browser/check.js "$site" "$B/browser/rule-page.png" "$RULE_ID" "$RULE_TITLE" \
    $report $jsonl
