#!/bin/sh
# run.sh — the streaming test: gigabytes of events through `ruledex hunt`.
#
# tests/stream/gen.c writes a JSON Lines stream on the fly (nothing is
# stored) into `ruledex hunt -f jsonl -r examples/rules -`.  For each phase
# the test checks that
#   - memory stays bounded: peak RSS (GNU time) under STREAM_RSS_MB;
#   - every event is accounted for: the summary's read = evaluated +
#     unreadable, evaluated = the events generated (nothing lost),
#     unreadable = the damaged lines generated, and the reasons in
#     parentheses add up to the unreadable count;
#   - detections = the matching events generated = lines of output;
#   - the exit status says what happened (1 detections, +4 input errors).
# Phases:
#   clean      STREAM_BYTES of good events, one in 1000 a detection
#   damaged    STREAM_DAMAGED_BYTES, one line in 50 cut short or garbage
#   hostile    STREAM_DAMAGED_BYTES, every second line damaged
#   detections STREAM_DAMAGED_BYTES, every event a detection (about a
#              million): written as found, so memory stays bounded however
#              many detections a stream produces
# Defaults: 2 GB clean and 256 MB damaged (about 25 s); with the sanitizer
# build (RDX_BUILD=build-san) 512 MB and 256 MB (about 30 s), with a bound
# of 128 MiB for ASan's own memory and a 16 MiB quarantine.  Ends with
# "stream: N passed, N failed".
#
#   sh tests/stream/run.sh                   (RDX_BUILD=build by default)
#   STREAM_BYTES=10000000000 sh tests/stream/run.sh
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
RDX=$B/ruledex
case $B in
*san*) big=536870912 small=268435456 bound=128
       # ASan keeps up to 256 MiB of freed memory in quarantine by default,
       # which would hide (or fake) growth: keep it small here.
       ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"
       export ASAN_OPTIONS ;;
*) big=2000000000 small=268435456 bound=64 ;;
esac
BYTES=${STREAM_BYTES:-$big}
DAMAGED=${STREAM_DAMAGED_BYTES:-$small}
RSS_MB=${STREAM_RSS_MB:-$bound}

pass=0
fail=0
skip=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL stream $1"; }
check() {   # check NAME CONDITION-RESULT(0/1) MESSAGE
    if [ "$2" = 1 ]; then ok; else no "$1: $3"; fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GEN=$tmp/gen
if [ ! -x "$RDX" ] || ! cc -O2 -o "$GEN" tests/stream/gen.c; then
    echo "FAIL stream: cannot build the generator or find $RDX"
    echo "stream: 0 passed, 1 failed"
    exit 1
fi
TIME=/usr/bin/time
[ -x "$TIME" ] && "$TIME" -f %M true >/dev/null 2>&1 || TIME=

phase() {   # phase NAME BYTES MATCH_EVERY BAD_EVERY
    name=$1 bytes=$2
    start=$(date +%s)
    if [ -n "$TIME" ]; then
        "$GEN" "$2" "$3" "$4" "$tmp/counts" |
            { RDX_NO_PROGRESS=1 NO_COLOR=1 "$TIME" -f %M -o "$tmp/rss" \
                  "$RDX" hunt -f jsonl -r examples/rules - 2>"$tmp/err"
              echo $? >"$tmp/status"; } | wc -l >"$tmp/out"
    else
        "$GEN" "$2" "$3" "$4" "$tmp/counts" |
            { RDX_NO_PROGRESS=1 NO_COLOR=1 "$RDX" hunt -f jsonl -r examples/rules - 2>"$tmp/err"
              echo $? >"$tmp/status"; } | wc -l >"$tmp/out"
    fi
    secs=$(( $(date +%s) - start ))
    [ "$secs" -gt 0 ] || secs=1
    # lines L events E matches M bad X
    set -- $(cat "$tmp/counts" 2>/dev/null)
    lines=${2:-0} events=${4:-0} matches=${6:-0} bad=${8:-0}
    summary=$(sed -n 's/,//g; s/^events: //p' "$tmp/err")
    read_n=$(echo "$summary" | awk '{print $1}')
    eval_n=$(echo "$summary" | awk '{print $3}')
    unread=$(echo "$summary" | awk '{print $5}')
    reasons=$(echo "$summary" | awk -F'[(),:]' '{ s = 0; for (i = 3; i <= NF; i += 2) s += $i; print s }')
    detections=$(sed -n 's/,//g; s/^detections: \([0-9]*\).*/\1/p' "$tmp/err")
    out=$(tr -d ' ' <"$tmp/out")
    status=$(cat "$tmp/status")
    rss_kb=$(tail -1 "$tmp/rss" 2>/dev/null || echo 0)
    want_status=0
    [ "$matches" -gt 0 ] && want_status=1
    [ "$bad" -gt 0 ] && want_status=$((want_status + 4))
    mb=$((bytes / 1000000))
    echo "  $name: $mb MB, $lines lines in ${secs} s ($((mb / secs)) MB/s), peak RSS $((rss_kb / 1024)) MiB;" \
         "read ${read_n:-?}, evaluated ${eval_n:-?}, unreadable ${unread:-?}, detections ${detections:-?}"

    if [ -z "$read_n" ] || [ "$lines" = 0 ]; then
        no "$name: no summary or no counts (exit status $status)"
        sed -n '1,5p' "$tmp/err"
        return
    fi
    check "$name" "$([ "$read_n" = $((eval_n + unread)) ] && echo 1)" \
        "read $read_n != evaluated $eval_n + unreadable $unread"
    check "$name" "$([ "$eval_n" = "$events" ] && echo 1)" \
        "evaluated $eval_n, but $events events were generated ($((events - eval_n)) lost)"
    check "$name" "$([ "$unread" = "$bad" ] && echo 1)" \
        "unreadable $unread, but $bad damaged lines were generated"
    check "$name" "$([ "$reasons" = "$unread" ] && echo 1)" \
        "the reasons count $reasons, the unreadable events $unread"
    check "$name" "$([ "$detections" = "$matches" ] && [ "$out" = "$matches" ] && echo 1)" \
        "detections $detections, output lines $out, matching events generated $matches"
    check "$name" "$([ "$status" = "$want_status" ] && echo 1)" \
        "exit status $status, expected $want_status"
    if [ -n "$TIME" ]; then
        check "$name" "$([ "$rss_kb" -le $((RSS_MB * 1024)) ] && echo 1)" \
            "peak RSS $((rss_kb / 1024)) MiB over the bound of $RSS_MB MiB"
    else
        skip=$((skip + 1))
    fi
}

echo "stream: $RDX, bound $RSS_MB MiB"
phase clean "$BYTES" 1000 0
phase damaged "$DAMAGED" 1000 50
phase hostile "$DAMAGED" 0 2
phase detections "$DAMAGED" 1 0

if [ $skip -gt 0 ]; then
    echo "stream: $pass passed, $fail failed, $skip skipped"
else
    echo "stream: $pass passed, $fail failed"
fi
[ $fail = 0 ]
