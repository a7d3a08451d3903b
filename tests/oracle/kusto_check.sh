#!/bin/sh
# tests/oracle/kusto_check.sh — ruledex's KQL reader against Microsoft's own
# Kusto parser (npm @kusto/language-service-next, pinned below) on every
# query of the KQL corpus (tests/oracle/kusto_check.js, docs/ORACLE.md).
# `make oracle` runs it.  Skips with a message when the corpus is missing
# or the package cannot be installed, unless RDX_REQUIRE_ORACLE=1.
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
CORPUS=${RDX_CORPUS:-../shared/corpus}
PKG=@kusto/language-service-next
VERSION=12.4.1
DIR=$B/oracle-kusto-node
OUT=$B/oracle
mkdir -p "$OUT"

skip() {
    echo "kusto: SKIP: $*"
    echo "kusto: 0 passed, 0 failed, 1 skipped"
    [ "${RDX_REQUIRE_ORACLE:-0}" = 1 ] && { echo "kusto: RDX_REQUIRE_ORACLE=1, so a skip is a failure" >&2; exit 1; }
    exit 0
}

[ -d "$CORPUS/kusto" ] || skip "corpus not found at $CORPUS/kusto (set RDX_CORPUS)"
command -v node >/dev/null 2>&1 || skip "no node"
if [ "$(cat "$DIR/version" 2>/dev/null)" != "$VERSION" ]; then
    command -v npm >/dev/null 2>&1 || skip "no npm"
    echo "kusto: installing $PKG@$VERSION into $DIR"
    rm -rf "$DIR"
    mkdir -p "$DIR"
    npm install --prefix "$DIR" --silent --no-audit --no-fund "$PKG@$VERSION" \
        >"$OUT/kusto-npm.log" 2>&1 ||
        skip "cannot install $PKG@$VERSION from npm (unreachable? see $OUT/kusto-npm.log)"
    echo "$VERSION" >"$DIR/version"
fi
[ -x "$B/kusto_dump" ] || ${MAKE:-make} "$B/kusto_dump" >/dev/null ||
    { echo "kusto: 0 passed, 1 failed"; exit 1; }
find "$CORPUS/kusto" -type f \( -name '*.md' -o -name '*.kql' -o -name '*.txt' -o -name '*.csl' \
    -o -name '*.yaml' \) -print0 | sort -z | xargs -0 "$B/kusto_dump" >"$OUT/kusto-dump.jsonl" ||
    { echo "kusto: 0 passed, 1 failed"; exit 1; }
node tests/oracle/kusto_check.js "$DIR/node_modules" tests/oracle/kusto_known_differences.txt \
    <"$OUT/kusto-dump.jsonl" | tee "$OUT/kusto-check.txt" | tail -2
grep -q '^kusto: [0-9]* passed, 0 failed' "$OUT/kusto-check.txt"
