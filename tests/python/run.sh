#!/bin/sh
# tests/python/run.sh — the Python bindings (bindings/python, docs/PYTHON.md):
# `pip install ./bindings/python` into a venv in $B/pyvenv (which sees the
# system's packages, so an installed pytest or pandas is used), then pytest
# on bindings/python/tests.  Ends with "python: N passed, N failed, N skipped".
# Without python3, venv, pip's build or pytest it prints a SKIP line and
# counts one skipped test — unless RDX_REQUIRE_PYTHON=1 (CI), which makes a
# skip a failure.
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
PYTHON=${PYTHON:-python3}
VENV=$(pwd)/$B/pyvenv
LOG=$B/python-install.log

skip() {
    echo "python: SKIP: $*"
    if [ "${RDX_REQUIRE_PYTHON:-0}" = 1 ]; then
        echo "python: 0 passed, 1 failed (RDX_REQUIRE_PYTHON=1, so a skip is a failure)"
        exit 1
    fi
    echo "python: 0 passed, 0 failed, 1 skipped"
    exit 0
}

case "$B" in *san*)
    # an ASan-built library inside a plain python needs the ASan runtime
    # preloaded; the plain build (make check) runs this suite
    echo "python: SKIP: sanitizer build $B; the suite runs with the plain build"
    echo "python: 0 passed, 0 failed, 1 skipped"
    exit 0
esac
command -v "$PYTHON" >/dev/null 2>&1 || skip "no $PYTHON"
[ -f "$B/libruledex.a" ] || skip "$B/libruledex.a not built"
if ! [ -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv --system-site-packages "$VENV" >"$LOG" 2>&1 || skip "cannot make a venv (see $LOG)"
fi
# pip builds in an isolated environment (setuptools from PyPI); offline, the
# venv's own setuptools and wheel are tried.
RULEDEX_BUILD=$(pwd)/$B "$VENV/bin/pip" install --quiet --disable-pip-version-check --force-reinstall \
    --no-deps ./bindings/python >"$LOG" 2>&1 ||
    RULEDEX_BUILD=$(pwd)/$B "$VENV/bin/pip" install --quiet --disable-pip-version-check --force-reinstall \
        --no-deps --no-build-isolation ./bindings/python >>"$LOG" 2>&1 ||
    skip "pip install ./bindings/python failed (see $LOG)"
"$VENV/bin/python" -c "import pytest" 2>/dev/null || skip "pytest is not installed"
# from outside the source tree, so the installed package is what is tested
out=$(cd "$B" && "$VENV/bin/python" -m pytest -q -p no:cacheprovider ../bindings/python/tests 2>&1)
rc=$?
echo "$out" | tail -20
summary=$(echo "$out" | tail -1)
n() { echo "$summary" | grep -o "[0-9]* $1" | cut -d' ' -f1; }
p=$(n passed); f=$(n failed); s=$(n skipped); e=$(n error)
f=$(( ${f:-0} + ${e:-0} ))
[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
echo "python: ${p:-0} passed, $f failed, ${s:-0} skipped"
[ "$f" -eq 0 ]
