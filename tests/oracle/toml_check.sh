#!/bin/sh
# tests/oracle/toml_check.sh — ruledex's TOML reader (src/front/elastic/toml.c)
# against Python's tomllib on every Elastic rule file of the corpus and on
# tests/data/toml/.  Skips with a message when the corpus or Python 3.11 is
# missing.  Run by `make check` (tests/run.sh) and `make oracle`.
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
CORPUS=${RDX_CORPUS:-../shared/corpus}
if ! python3 -c 'import tomllib' 2>/dev/null; then
    echo "toml: SKIP: python3 with tomllib (3.11+) not found"
    echo "toml: 0 passed, 0 failed, 1 skipped"
    exit 0
fi
files=$(mktemp)
trap 'rm -f "$files"' EXIT
find tests/data/toml -name '*.toml' 2>/dev/null | sort >"$files"
[ -d "$CORPUS/elastic" ] && find "$CORPUS/elastic" -name '*.toml' | sort >>"$files"
[ -s "$files" ] || { echo "toml: SKIP: no TOML files"; echo "toml: 0 passed, 0 failed, 1 skipped"; exit 0; }
xargs "$B/toml_dump" <"$files" | python3 tests/oracle/toml_check.py
