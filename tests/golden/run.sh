#!/bin/sh
# Golden tests of the CLI: each tests/golden/cases/NAME.sh is run from the
# repository root with $RDX set to the binary; its stdout, stderr and exit
# status must equal NAME.stdout, NAME.stderr and NAME.status.
#   RDX_GOLDEN_UPDATE=1 sh tests/golden/run.sh    rewrites the expectations
# A case that reads the corpus says so with a line "# needs: corpus" and
# names it "$CORPUS" (../shared/corpus, or $RDX_CORPUS); without the corpus
# it is skipped, with a message, unless RDX_REQUIRE_CORPUS=1 (CI), which
# makes that a failure.
# Ends with "golden: N passed, N failed, N skipped".
B=${RDX_BUILD:-build}
RDX=$(pwd)/$B/ruledex
CORPUS=${RDX_CORPUS:-../shared/corpus}
export RDX CORPUS RDX_NO_PROGRESS=1 NO_COLOR=1
dir=tests/golden/cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
skip=0
for case in "$dir"/*.sh; do
    name=$(basename "$case" .sh)
    if grep -q '^# needs: corpus' "$case" && [ ! -d "$CORPUS" ]; then
        if [ "$RDX_REQUIRE_CORPUS" = 1 ]; then
            echo "FAIL golden $name: needs the corpus (RDX_REQUIRE_CORPUS=1), but $CORPUS is absent"
            fail=$((fail + 1))
        else
            echo "skip golden $name: needs the corpus, and $CORPUS is absent (set RDX_CORPUS)"
            skip=$((skip + 1))
        fi
        continue
    fi
    TMPDIR_CASE="$tmp/$name" && mkdir -p "$TMPDIR_CASE" && export TMPDIR_CASE
    sh "$case" >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/status"
    if [ -n "$RDX_GOLDEN_UPDATE" ]; then
        cp "$tmp/out" "$dir/$name.stdout"
        cp "$tmp/err" "$dir/$name.stderr"
        cp "$tmp/status" "$dir/$name.status"
    fi
    ok=1
    for part in stdout stderr status; do
        src=$tmp/out
        [ $part = stderr ] && src=$tmp/err
        [ $part = status ] && src=$tmp/status
        if ! cmp -s "$src" "$dir/$name.$part"; then
            ok=0
            echo "FAIL golden $name ($part differs):"
            diff -u "$dir/$name.$part" "$src" | head -20
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "golden: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
