#!/bin/sh
# A hostile stream for correlation state: N events (default 2,000,000),
# each with a User of its own, 10,000 per second — so every one of them is
# a live group within the 5-minute timespan.  Prints the summary's
# correlation lines and the peak memory (GNU time), with the default
# --correlation-memory and with 16M (spilling).  docs/CORRELATION.md
# quotes the figures.
#   sh bench/correlation_hostile.sh [N]
set -e
N=${1:-2000000}
B=${RDX_BUILD:-build}
RDX=$(pwd)/$B/ruledex
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/rules.yml" <<'YML'
title: many failures per user
correlation: {type: event_count, rules: [f], group-by: [User], timespan: 5m, condition: {gte: 3}}
level: high
---
title: failure
name: f
logsource: {product: windows}
detection: {sel: {EventID: 4625}, condition: sel}
YML
awk -v n="$N" 'BEGIN {
    for (i = 0; i < n; i++) {
        s = int(i / 10000); f = (i % 10000) * 1000;
        printf "{\"EventID\":4625,\"User\":\"u%d\",\"UtcTime\":\"2024-05-01T%02d:%02d:%02d.%07dZ\"}\n",
               i, 10 + int(s / 3600), int(s / 60) % 60, s % 60, f
    } }' >"$tmp/ev.jsonl"
for mem in 256M 16M; do
    echo "--correlation-memory $mem:"
    /usr/bin/time -f "  peak RSS %M KiB, %e s" "$RDX" hunt -j 1 -f jsonl --correlation-memory $mem \
        -r "$tmp/rules.yml" "$tmp/ev.jsonl" 2>"$tmp/err" >/dev/null || true
    grep -E '^(correlation|  peak)' "$tmp/err" | sed 's/^/  /'
done
