#!/bin/sh
# bench/stream.sh — `make bench-stream`: events per second through
# `ruledex stream` on a local Kafka broker (tests/kafka/broker.sh), with one
# worker and with two workers of one consumer group, over a topic of two
# partitions.
#
# Events: RDX_BENCH_STREAM_EVENTS (default 200,000) JSON lines cycled from
# the SigmaHQ regression events of the corpus (`ruledex dump` of their
# .evtx; the shipped examples when the corpus is absent), one event per
# message.  Rules: SigmaHQ rules/ (the examples without the corpus).  The events are produced
# (half to each partition) once the group's members hold their partitions;
# the rate is events over the wall time from the group's first message to
# its last, as the members' final metrics say.  The broker, kcat and the
# workers share the machine's cores: on two cores the second worker
# competes with the broker.  Figures: docs/PERFORMANCE.md.
set -eu
B=${RDX_BUILD:-build}
RD=$PWD/$B/ruledex
CORPUS=${RDX_CORPUS:-../shared/corpus}
N=${RDX_BENCH_STREAM_EVENTS:-200000}
here=$(cd "$(dirname "$0")" && pwd)
kafka=$here/../tests/kafka

tmp=$(mktemp -d)
cleanup() {
    for p in $(cat "$tmp"/*.pid 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    sh "$kafka/broker.sh" stop "$tmp/broker" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if [ -d "$CORPUS/sigma/rules" ] && [ -d "$CORPUS/sigma-regression/regression_data" ]; then
    RULES="-r $CORPUS/sigma/rules"
    find "$CORPUS/sigma-regression/regression_data" -name '*.evtx' | sort |
        xargs "$RD" dump >"$tmp/seed.jsonl" 2>/dev/null || true
    what="SigmaHQ rules/ over the SigmaHQ regression events (ruledex dump of their .evtx)"
else
    RULES="-r examples/rules"
    cat examples/events/*.jsonl >"$tmp/seed.jsonl"
    what="the shipped examples (no corpus at $CORPUS)"
fi
[ -s "$tmp/seed.jsonl" ] || { cat examples/events/*.jsonl >"$tmp/seed.jsonl"; what="the shipped examples"; }
python3 - "$tmp/seed.jsonl" "$N" >"$tmp/events.jsonl" <<'PY'
import sys
seed = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip()]
n = int(sys.argv[2])
for i in range(n):
    print(seed[i % len(seed)])
PY
awk 'NR % 2 == 1' "$tmp/events.jsonl" >"$tmp/p0.jsonl"
awk 'NR % 2 == 0' "$tmp/events.jsonl" >"$tmp/p1.jsonl"
mkdir -p "$tmp/broker"
BR=$(sh "$kafka/broker.sh" start "$tmp/broker")
echo '{"note": 1}' >"$tmp/first.jsonl"

run() {   # run WORKERS
    w=$1 topic=bench$1 group=g$1
    kcat -P -b "$BR" -t $topic -p 0 -l "$tmp/first.jsonl"
    kcat -P -b "$BR" -t $topic -p 1 -l "$tmp/first.jsonl"
    i=1
    while [ $i -le "$w" ]; do
        "$RD" stream $RULES -b "$BR" -G $group -t $topic --detections-topic det$w -q \
            --dead-letter-topic dlq$w --metrics-interval 0.5 --exit-idle 5 \
            >"$tmp/w$w.$i.metrics" 2>"$tmp/w$w.$i.err" &
        echo $! >"$tmp/w$w.$i.pid"
        i=$((i + 1))
    done
    n=0   # until the partitions are spread over the members
    while [ $n -lt 120 ]; do
        held=0
        for f in "$tmp"/w$w.*.metrics; do
            p=$(tail -1 "$f" 2>/dev/null | sed -n 's/.*"partitions":\([0-9]*\).*/\1/p')
            [ -n "$p" ] && [ "$p" -gt 0 ] && held=$((held + 1))
        done
        [ $held -ge "$w" ] && break
        sleep 0.5; n=$((n + 1))
    done
    kcat -P -b "$BR" -t $topic -p 0 -l "$tmp/p0.jsonl" &
    kcat -P -b "$BR" -t $topic -p 1 -l "$tmp/p1.jsonl"
    wait $!
    for f in "$tmp"/w$w.*.pid; do wait "$(cat "$f")"; rm -f "$f"; done
    python3 - "$w" "$tmp"/w$w.*.metrics <<'PY'
import json, sys
w = int(sys.argv[1])
finals = [json.loads(open(f).read().splitlines()[-1])["metrics"] for f in sys.argv[2:]]
events = sum(m["events"] for m in finals)
dets = sum(m["detections"] for m in finals)
t0 = min(m["first_message_at"] for m in finals if m["first_message_at"])
t1 = max(m["last_message_at"] for m in finals)
cpu = sum(m["cpu_s"] for m in finals)
print(f"{w} worker(s): {events:,} events, {dets:,} detections in {t1 - t0:.2f} s wall: "
      f"{events / (t1 - t0):,.0f} events/s; {events / cpu:,.0f} events per CPU second of the "
      f"workers ({cpu:.1f} s, rule loading included; per worker: "
      + ", ".join(f"{m['events']:,}" for m in finals) + ")")
PY
}

echo "bench-stream: $N events, one per message, topic of 2 partitions; $what"
# the same events through hunt on one thread, for the cost of the Kafka round trip
/usr/bin/time -f "%U %S" -o "$tmp/hunt.time" "$RD" hunt -q -j 1 -f jsonl $RULES "$tmp/events.jsonl" \
    >/dev/null 2>&1 || true
awk -v n="$N" 'END { printf "hunt -j 1 on the same events: %d events per CPU second (%.1f s, rule loading included)\n", n / ($1 + $2), $1 + $2 }' "$tmp/hunt.time"
run 1
run 2
