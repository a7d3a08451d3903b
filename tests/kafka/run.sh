#!/bin/sh
# tests/kafka/run.sh — `ruledex stream` against a real Apache Kafka broker
# (KRaft, started here on 127.0.0.1 with random ports by broker.sh, its
# jars fetched from Maven Central by fetch-kafka.sh and cached).
#
# Cases (docs/SCALE-OUT.md states what they prove):
#   two-workers   two partitions, two workers in one group: the detections
#                 equal `ruledex hunt --format jsonl` on the same events (as
#                 multisets, after removing duplicates by detection id)
#   dead-letter   a malformed message lands in the dead-letter topic with
#                 its reason
#   correlation   hits over the internal topic, a correlator member: the
#                 same correlation detections as hunt; restarted, it re-reads
#                 only from the start of the windows still open; with a short
#                 allowed lateness, late hits are counted and dead-lettered
#   restart       SIGTERM stops a worker gracefully (exit 0); the next
#                 member of the group resumes at the committed offset (reads
#                 only what came since), and nothing is missing
#   back-pressure a bound of 10 records in flight pauses the partitions;
#                 nothing is lost
#   kill-9        a worker killed with SIGKILL while its detections are
#                 unacknowledged: the other member takes its partition over,
#                 re-reads from the last commit, and no detection is missing
#
# Needs java, kcat, python3, maven (or the jars cached) and a ruledex built
# with librdkafka; without them the suite skips with the reason, unless
# RDX_REQUIRE_KAFKA=1 (CI), where that is a failure.  About a minute and a
# half (RDX_KAFKA_KEEP=1 keeps the temporary directory for a post-mortem).
B=${RDX_BUILD:-build}
RD=$PWD/$B/ruledex
here=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0

skip() {
    echo "kafka: skipped: $1"
    if [ "${RDX_REQUIRE_KAFKA:-0}" = 1 ]; then
        echo "kafka: 0 passed, 1 failed (RDX_REQUIRE_KAFKA=1)"
        exit 1
    fi
    echo "kafka: $pass passed, $fail failed, $((15 - pass - fail)) skipped"
    [ $fail = 0 ] || exit 1
    exit 0
}
ok() { pass=$((pass + 1)); echo "  ok   $1"; }
bad() { fail=$((fail + 1)); echo "  FAIL $1"; }

for tool in java kcat python3; do
    command -v $tool >/dev/null 2>&1 || skip "$tool is not installed (sh scripts/install-deps.sh)"
done
"$RD" stream -b x -G x -t x -r examples/rules --exit-idle 0.01 2>&1 | grep -q "built without librdkafka" &&
    skip "ruledex was built without librdkafka (install librdkafka-dev, then make)"

# ---- usage errors: exit 2 with a message, before any broker is needed ----------------------
usage_case() {   # usage_case NAME EXPECTED-TEXT ARGS...
    name=$1 want=$2
    shift 2
    out=$("$RD" stream "$@" 2>&1)
    rc=$?
    if [ $rc = 2 ] && printf '%s' "$out" | grep -qF -- "$want"; then
        ok "usage: $name"
    else
        bad "usage: $name (exit $rc, want 2 and '$want'): $(printf '%s' "$out" | head -2)"
    fi
}
usage_case "no topic" "no --topic given" -r examples/rules -b 127.0.0.1:1 -G g
usage_case "-X without =" "-X takes KEY=VALUE" -r examples/rules -b 127.0.0.1:1 -G g -t t -X foo
usage_case "unknown librdkafka property" "No such configuration property" \
    -r examples/rules -b 127.0.0.1:1 -G g -t t -X no.such.property=1
usage_case "correlator with --topic" "a correlator reads --hits-topic" \
    --role correlator -r examples/rules -b 127.0.0.1:1 -G g -t t
usage_case "correlator without correlation rules" "needs correlation rules" \
    --role correlator -r examples/rules -b 127.0.0.1:1 -G g

# librdkafka is loaded when stream runs (cli/rdkafka_lazy.h): where none can
# be loaded, every other command still starts and stream says why
bogus=$(mktemp -d)
: >"$bogus/librdkafka.so.1"
out=$(LD_LIBRARY_PATH=$bogus "$RD" stream -r examples/rules -b 127.0.0.1:1 -G g -t t 2>&1)
rc=$?
LD_LIBRARY_PATH=$bogus "$RD" --version >/dev/null 2>&1
vrc=$?
rm -rf "$bogus"
if [ $rc = 2 ] && [ $vrc = 0 ] && printf '%s' "$out" | grep -qF "cannot load librdkafka.so.1"; then
    ok "no loadable librdkafka: stream exits 2 and says why, --version runs"
else
    bad "no loadable librdkafka (stream exit $rc, --version exit $vrc): $(printf '%s' "$out" | head -2)"
fi

sh "$here/fetch-kafka.sh" >/dev/null 2>&1 || skip "the Kafka jars could not be fetched from Maven Central"

tmp=$(mktemp -d)
cleanup() {
    for p in $(cat "$tmp"/*.pid 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    sh "$here/broker.sh" stop "$tmp/broker" 2>/dev/null
    [ "${RDX_KAFKA_KEEP:-0}" = 1 ] && echo "kafka: kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
mkdir -p "$tmp/broker"
BR=$(sh "$here/broker.sh" start "$tmp/broker") || { bad "the broker started"; echo "kafka: $pass passed, $fail failed"; exit 1; }

# ---- the data: the shipped examples many times over, the correlation
# scenarios, one malformed line --------------------------------------------------
RULES="-r examples/rules -r tests/data/correlation/scenarios/rules.yml"
scen=tests/data/correlation/scenarios
i=0
while [ $i -lt 40 ]; do cat examples/events/sysmon.jsonl examples/events/winlogbeat.jsonl; i=$((i + 1)); done >"$tmp/bulk.jsonl"
cat "$tmp/bulk.jsonl" "$scen/events.a.jsonl" "$scen/events.b.jsonl" >"$tmp/events.jsonl"
echo '{"EventID": 4625, "Channel": "Security", broken' >"$tmp/bad.jsonl"
# kcat without a key spreads messages over both partitions at random
# the topics exist before the groups subscribe (else a member waits for the
# next metadata refresh); that first message is an event like the others
echo '{"note": "creates the topic before the group subscribes"}' >"$tmp/first.jsonl"
for t in in1 in2; do
    kcat -P -b "$BR" -t $t -p 0 -l "$tmp/first.jsonl"
    kcat -P -b "$BR" -t $t -p 1 -l "$tmp/first.jsonl"
done

worker() {   # worker NAME GROUP TOPIC [options]: runs in the background
    name=$1 group=$2 topic=$3
    shift 3
    "$RD" stream $RULES -b "$BR" -G "$group" -t "$topic" --detections-topic "det-$group" \
        --dead-letter-topic "dlq-$group" --hits-topic "hits-$group" --metrics-interval 0.5 \
        -X session.timeout.ms=3000 -X heartbeat.interval.ms=500 "$@" \
        >"$tmp/$name.metrics" 2>"$tmp/$name.err" &
    echo $! >"$tmp/$name.pid"
}
wait_for() {   # wait_for NAME: its exit status
    wait "$(cat "$tmp/$1.pid")"
    rc=$?
    rm -f "$tmp/$1.pid"
    return $rc
}
final() {   # final NAME FIELD: from the last metrics line
    tail -1 "$tmp/$1.metrics" | python3 -c "import json,sys; print(json.load(sys.stdin)['metrics']['$2'])"
}
both_assigned() {   # both_assigned NAME NAME: until each has one partition
    i=0
    while [ $i -lt 60 ] && ! { tail -1 "$tmp/$1.metrics" | grep -q '"partitions":1,' &&
                               tail -1 "$tmp/$2.metrics" | grep -q '"partitions":1,'; } 2>/dev/null; do
        sleep 0.5; i=$((i + 1))
    done
}
consume() {   # consume TOPIC FILE
    kcat -C -b "$BR" -t "$1" -e -q -f '%s\n' >"$2" 2>/dev/null
}

# ---- two workers, two partitions ------------------------------------------------
cat "$tmp/first.jsonl" "$tmp/first.jsonl" "$tmp/events.jsonl" >"$tmp/all1.jsonl"
"$RD" hunt -q -f jsonl $RULES "$tmp/all1.jsonl" >"$tmp/hunt1.jsonl" 2>/dev/null
worker w1 g1 in1 --exit-idle 6
worker w2 g1 in1 --exit-idle 6
both_assigned w1 w2
# half the lines to each partition (kcat's keyless messages would stick to one)
cat "$tmp/events.jsonl" "$tmp/bad.jsonl" >"$tmp/in1.jsonl"
awk 'NR % 2 == 1' "$tmp/in1.jsonl" | kcat -P -b "$BR" -t in1 -p 0
awk 'NR % 2 == 0' "$tmp/in1.jsonl" | kcat -P -b "$BR" -t in1 -p 1
wait_for w1 && wait_for w2 && r=0 || r=1
e1=$(final w1 events) e2=$(final w2 events)
if [ $r = 0 ] && [ "$e1" -gt 0 ] && [ "$e2" -gt 0 ]; then
    ok "two-workers: both members of the group evaluated events ($e1 + $e2)"
else
    bad "two-workers: both members ran (exit $r; events $e1, $e2)"; cat "$tmp/w1.err" "$tmp/w2.err"
fi
consume det-g1 "$tmp/det1.jsonl"
if python3 "$here/compare.py" "$tmp/hunt1.jsonl" "$tmp/det1.jsonl" >"$tmp/cmp1" 2>&1; then
    ok "two-workers: detections equal hunt's ($(head -1 "$tmp/cmp1" | cut -d: -f2))"
else
    bad "two-workers: detections equal hunt's"; cat "$tmp/cmp1"
fi

# ---- dead letters ------------------------------------------------------------------
consume dlq-g1 "$tmp/dlq1.jsonl"
if python3 - "$tmp/dlq1.jsonl" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(recs) == 1, recs
r = recs[0]
assert r["category"] == "json" and r["reason"], r
assert r["payload"].startswith('{"EventID": 4625') and r["source"]["topic"] == "in1", r
EOF
then ok "dead-letter: the malformed message is in the dead-letter topic with its reason"
else bad "dead-letter: the malformed message is in the dead-letter topic"; cat "$tmp/dlq1.jsonl"
fi

# ---- correlation over the internal topic -------------------------------------------------
# The events span 2024 (the scenarios) to 2026 (the examples' logons, which
# the scenarios' rules also hit), in no order across partitions: an allowed
# lateness of years makes the correlator wait for all of them (released when
# idle and caught up), so it must agree with hunt exactly.
"$RD" stream --role correlator $RULES -b "$BR" -G c1 --hits-topic hits-g1 --detections-topic cdet-g1 \
    --dead-letter-topic cdlq-g1 --allowed-lateness 400000000 --idle-flush 1 --exit-idle 4 \
    --metrics-interval 0.5 >"$tmp/c1.metrics" 2>"$tmp/c1.err"
rc=$?
consume cdet-g1 "$tmp/cdet1.jsonl"
if [ $rc = 0 ] && python3 "$here/compare.py" "$tmp/hunt1.jsonl" "$tmp/cdet1.jsonl" --kind correlations >"$tmp/cmp2" 2>&1; then
    ok "correlation: the correlator's detections equal hunt's ($(head -1 "$tmp/cmp2" | cut -d: -f2))"
else
    bad "correlation: the correlator's detections equal hunt's (exit $rc)"; cat "$tmp/cmp2" "$tmp/c1.err"
fi

# A correlator restarted in the same group re-reads from its commit, which
# is the start of the windows still open (the 2026 hits, within the
# timespans of the newest), not the whole topic; what it produces again
# has the same ids.
"$RD" stream --role correlator $RULES -b "$BR" -G c1 --hits-topic hits-g1 --detections-topic cdet-g1 \
    --dead-letter-topic cdlq-g1 --allowed-lateness 400000000 --idle-flush 1 --exit-idle 4 \
    --metrics-interval 0.5 >"$tmp/c3.metrics" 2>"$tmp/c3.err"
rc=$?
h1=$(final c1 hits) h3=$(final c3 hits)
consume cdet-g1 "$tmp/cdet3.jsonl"
if [ $rc = 0 ] && [ "$h3" -gt 0 ] && [ "$h3" -lt "$h1" ] &&
    python3 "$here/compare.py" "$tmp/hunt1.jsonl" "$tmp/cdet3.jsonl" --kind correlations >"$tmp/cmp5" 2>&1; then
    ok "correlation: a restarted correlator re-reads from the open windows' start ($h3 of $h1 hits), nothing missing or changed"
else
    bad "correlation: restarted correlator (exit $rc) re-read $h3 of $h1 hits"; cat "$tmp/cmp5" 2>/dev/null
fi

# With a lateness of one minute the 2024 hits that arrive after 2026 ones are
# late: each one counted and in the dead-letter topic, none silently lost.
"$RD" stream --role correlator $RULES -b "$BR" -G c2 --hits-topic hits-g1 --detections-topic cdet-c2 \
    --dead-letter-topic cdlq-c2 --allowed-lateness 60 --idle-flush 1 --exit-idle 4 \
    --metrics-interval 0 >"$tmp/c2.metrics" 2>"$tmp/c2.err"
consume cdlq-c2 "$tmp/cdlq2.jsonl"
late=$(final c2 late_hits) hits=$(final c2 hits)
nlate=$(grep -c '"category":"late"' "$tmp/cdlq2.jsonl")
if [ "$late" -gt 0 ] && [ "$late" = "$nlate" ] && [ "$hits" = "$(final c1 hits)" ]; then
    ok "correlation: with a short allowed lateness, $late of $hits hits are late, each counted and dead-lettered"
else
    bad "correlation: late hits $late, dead-lettered $nlate, hits $hits"
fi

# ---- restart: SIGTERM, then the group resumes at the commit ----------------------------------
kcat -P -b "$BR" -t in1 -l examples/events/sysmon.jsonl
more=$(wc -l <examples/events/sysmon.jsonl)
worker w3 g1 in1
i=0
while [ $i -lt 60 ] && [ "$(tail -1 "$tmp/w3.metrics" 2>/dev/null | grep -c "\"events\":$more,")" = 0 ]; do
    sleep 0.5; i=$((i + 1))
done
sleep 1
kill -TERM "$(cat "$tmp/w3.pid")"
wait_for w3
rc3=$?
worker w4 g1 in1 --exit-idle 5
wait_for w4
e3=$(final w3 events) e4=$(final w4 events)
cat "$tmp/all1.jsonl" examples/events/sysmon.jsonl >"$tmp/events2.jsonl"
"$RD" hunt -q -f jsonl $RULES "$tmp/events2.jsonl" >"$tmp/hunt2.jsonl" 2>/dev/null
consume det-g1 "$tmp/det2.jsonl"
if [ $rc3 = 0 ] && [ "$e3" = "$more" ] && [ "$e4" = 0 ] &&
    python3 "$here/compare.py" "$tmp/hunt2.jsonl" "$tmp/det2.jsonl" >"$tmp/cmp3" 2>&1; then
    ok "restart: after SIGTERM (exit 0) the group resumed at the commit ($e3 new events, then $e4), nothing missing"
else
    bad "restart: SIGTERM exit $rc3 (want 0), events after restart $e3 (want $more), then $e4 (want 0)"
    cat "$tmp/cmp3" "$tmp/w3.err" 2>/dev/null
fi

# ---- back-pressure: a tiny in-flight bound pauses the partitions, loses nothing ---------------
# Records wait 300 ms before they are sent (linger.ms), so ten in flight
# are reached at once: the member must pause, resume, and still produce
# every detection (a group of its own re-reads the whole topic).
worker w7 g3 in1 --max-in-flight 10 -X linger.ms=300 --exit-idle 5
wait_for w7
rc7=$?
p7=$(final w7 pauses)
consume det-g3 "$tmp/det4.jsonl"
if [ $rc7 = 0 ] && [ "$p7" -gt 0 ] &&
    python3 "$here/compare.py" "$tmp/hunt2.jsonl" "$tmp/det4.jsonl" >"$tmp/cmp6" 2>&1; then
    ok "back-pressure: with at most 10 records in flight the partitions were paused $p7 times, nothing missing"
else
    bad "back-pressure: exit $rc7, paused $p7 times"; cat "$tmp/cmp6" 2>/dev/null
fi

# ---- kill -9 with detections in flight ---------------------------------------------------------
# w5 holds its records 5 s before sending them (linger.ms), so when it is
# killed they are neither delivered nor committed; w6 must take its
# partition over and re-read it.
cat "$tmp/first.jsonl" "$tmp/first.jsonl" "$tmp/bulk.jsonl" "$tmp/bulk.jsonl" >"$tmp/kill2.jsonl"
"$RD" hunt -q -f jsonl $RULES "$tmp/kill2.jsonl" >"$tmp/hunt3.jsonl" 2>/dev/null
worker w5 g2 in2 -X linger.ms=5000
worker w6 g2 in2 --exit-idle 12
both_assigned w5 w6
kcat -P -b "$BR" -t in2 -p 0 -l "$tmp/bulk.jsonl"
kcat -P -b "$BR" -t in2 -p 1 -l "$tmp/bulk.jsonl"
i=0
while [ $i -lt 60 ] && ! grep -q '"detections":[1-9]' "$tmp/w5.metrics" 2>/dev/null; do sleep 0.5; i=$((i + 1)); done
sleep 0.5
d5=$(final w5 detections)
kill -9 "$(cat "$tmp/w5.pid")"
wait_for w5
wait_for w6
rc6=$?
e6=$(final w6 events)
total=$(wc -l <"$tmp/kill2.jsonl")
consume det-g2 "$tmp/det3.jsonl"
if [ "$d5" -gt 0 ] && [ $rc6 = 0 ] && [ "$e6" -gt $((total / 2)) ] &&
    python3 "$here/compare.py" "$tmp/hunt3.jsonl" "$tmp/det3.jsonl" >"$tmp/cmp4" 2>&1; then
    ok "kill-9: killed with $d5 detections unacknowledged; the survivor re-read ($e6 of $total events), none missing"
else
    bad "kill-9: killed worker had $d5 detections; survivor exit $rc6, $e6 events of $total"
    cat "$tmp/cmp4" "$tmp/w6.err" 2>/dev/null
fi

echo "kafka: $pass passed, $fail failed"
[ $fail = 0 ]
