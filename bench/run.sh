#!/bin/sh
# bench/run.sh — `make bench`: ruledex and its peers on the same data in
# the same run, printed as Markdown tables ready for docs/PERFORMANCE.md.
#
# Workloads (generated once into RDX_BENCH_DIR, default $TMPDIR/ruledex-bench):
#   samples    every EVTX file of the corpus's evtx-samples/ (568 real attack logs)
#   evtx       one realistic EVTX file of RDX_BENCH_EVTX_MB (default 256):
#              the samples' chunks replicated with fresh record ids, hosts
#              and times (bench/gen.c, valid CRCs: evtx_dump reads it too)
#   jsonl      the same events as JSON Lines (the shape `ruledex dump` writes);
#              rsigma, which wants flat events, gets them flattened
#   synthetic  RDX_BENCH_EVENTS (default 300,000) JSON lines cycled from the
#              SigmaHQ regression events: every event an attack
#   big        one RDX_BENCH_BIG_MB (default 1024) EVTX file: one thread vs two
#              (the file is split by chunks across threads)
# Rules: SigmaHQ rules/, rules-emerging-threats/, rules-threat-hunting/.
#
# Per workload and tool: events, CPU seconds with one thread (user + sys),
# events/s and MB/s per core, wall seconds with one and two threads, peak
# RSS, detections.  ruledex's rates are "after load": the CPU time of a run
# over an empty file (rules loaded from the cache) is subtracted.  Then the
# load itself, cold (--no-cache) and from the cache.  Peers run where built
# (sh bench/peers.sh; missing ones show as "not built"):
#   evtx_dump (evtx 0.15.1; parsing only: the floor of any EVTX hunter),
#   rsigma, Hayabusa (its own hayabusa-rules, which carry SigmaHQ's rules
#   converted), Chainsaw (SigmaHQ rules with its sigma-event-logs-all
#   mapping), and grep -F -i -o with every literal of the prefilter, every
#   occurrence found (what one pass of a literal scanner costs: the floor of
#   a prefiltering engine; its "detections" are literal occurrences).
# Peers' detection counts are not comparable with ours (other rule sets,
# other field mappings, no log-source routing in rsigma); the tables give
# them only as a sanity check.
#
#   RDX_BUILD=build  RDX_CORPUS=../shared/corpus  RDX_BENCH_DIR=...
#   RDX_BENCH_EVTX_MB=256  RDX_BENCH_BIG_MB=1024  RDX_BENCH_EVENTS=300000
#   RDX_BENCH_PEERS="evtx_dump rsigma hayabusa chainsaw grep"   (which peers)
#   RDX_BENCH_PEER_THREADS="1 2"   thread counts Hayabusa and Chainsaw run with
#   RDX_PEERS_DIR=bench/peers
#   RDX_BENCH_MICRO=1   also the matcher micro-benchmarks (reference
#                       evaluator, read-only, matcher) of bench/bench.c
#   RDX_BENCH_DIFF=1    and the matcher-vs-reference check on the samples
set -u
B=${RDX_BUILD:-build}
CORPUS=${RDX_CORPUS:-../shared/corpus}
DIR=${RDX_BENCH_DIR:-${TMPDIR:-/tmp}/ruledex-bench}
EVTX_MB=${RDX_BENCH_EVTX_MB:-256}
BIG_MB=${RDX_BENCH_BIG_MB:-1024}
EVENTS=${RDX_BENCH_EVENTS:-300000}
PEERS=${RDX_BENCH_PEERS:-evtx_dump rsigma hayabusa chainsaw grep}
PEERS_DIR=${RDX_PEERS_DIR:-bench/peers}
PEER_THREADS=${RDX_BENCH_PEER_THREADS:-1 2}   # Hayabusa and Chainsaw: "1" halves their time
export RDX_NO_PROGRESS=1 NO_COLOR=1

if [ ! -d "$CORPUS/sigma/rules" ] || [ ! -d "$CORPUS/evtx-samples" ]; then
    echo "bench: corpus not found at $CORPUS (set RDX_CORPUS)" >&2
    exit 1
fi
[ -f "$B/libruledex.a" ] && [ -x "$B/ruledex" ] || { echo "bench: build first (make)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (GNU time)" >&2; exit 1; }
ROOT=$(pwd)
CORPUS=$(cd "$CORPUS" && pwd)
RDX=$ROOT/$B/ruledex
[ -d "$PEERS_DIR/bin" ] && PATH=$(cd "$PEERS_DIR/bin" && pwd):$PATH

CC=${CC:-cc}
LIBS="$(pkg-config --libs libfyaml libpcre2-8 libhs libdeflate zlib) -lpthread -lm"
# shellcheck disable=SC2086
$CC -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra -Werror \
    -Iinclude $(pkg-config --cflags libhs) bench/bench.c "$B/libruledex.a" $LIBS -o "$B/bench" || exit 1
# bench/gen.c is built by the Makefile (make bench); by hand otherwise
# shellcheck disable=SC2086
[ -x "$B/gen" ] || $CC -std=c11 -O2 -g -Wall -Wextra -Werror -Iinclude bench/gen.c "$B/libruledex.a" \
    $LIBS -o "$B/gen" || exit 1

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
R1=$CORPUS/sigma/rules R2=$CORPUS/sigma/rules-emerging-threats R3=$CORPUS/sigma/rules-threat-hunting
RULES="-r $R1 -r $R2 -r $R3"
CACHE="--cache-dir $DIR/cache"

# ---- the workloads (made once) ---------------------------------------------------

SAMPLES=$CORPUS/evtx-samples
find "$SAMPLES" -name '*.evtx' | LC_ALL=C sort >"$DIR/samples.list"
find "$CORPUS/sigma-regression" -name '*.json' | LC_ALL=C sort >"$DIR/regression.list"
make_once() {   # make_once FILE COMMAND...
    f=$1
    shift
    [ -s "$f" ] && return 0
    echo "bench: generating $f" >&2
    "$@" || { rm -f "$f"; echo "bench: could not generate $f" >&2; exit 1; }
}
EVTX=$DIR/realistic-${EVTX_MB}M.evtx JSONL=$DIR/realistic-${EVTX_MB}M.jsonl
FLAT=$DIR/realistic-${EVTX_MB}M.flat.jsonl SYNTH=$DIR/synthetic-$EVENTS.jsonl BIG=$DIR/big-${BIG_MB}M.evtx
make_once "$EVTX" "$B/gen" evtx "$EVTX" "$EVTX_MB" -l "$DIR/samples.list"
make_once "$JSONL" "$B/gen" jsonl "$JSONL" "$EVTX"
make_once "$FLAT" "$B/gen" flat "$FLAT" "$EVTX"
make_once "$SYNTH" "$B/bench" gen "$EVENTS" "$SYNTH" -l "$DIR/regression.list"
make_once "$BIG" "$B/gen" evtx "$BIG" "$BIG_MB" -l "$DIR/samples.list"
"$B/gen" literals "$R1" "$R2" "$R3" | LC_ALL=C sort -u >"$DIR/literals.txt"
: >"$DIR/empty.jsonl"

bytes_of() { if [ -d "$1" ]; then find "$1" -name '*.evtx' -exec cat {} + | wc -c; else wc -c <"$1"; fi; }

# ---- measuring ---------------------------------------------------------------------

RES=$DIR/results.tsv      # workload tool threads wall cpu rss_kib events detections
: >"$RES"
# timed OUT ERR COMMAND...: runs it; sets WALL CPU RSS (GNU time)
timed() {
    out=$1 err=$2
    shift 2
    /usr/bin/time -o "$DIR/time.txt" -f "%e %U %S %M" "$@" >"$out" 2>"$err"
    # (a failing command's status comes first: the figures are the last line)
    read -r WALL U S RSS <<EOF
$(tail -1 "$DIR/time.txt")
EOF
    CPU=$(awk "BEGIN { printf \"%.2f\", $U + $S }")
}
record() {   # record WORKLOAD TOOL THREADS EVENTS DETECTIONS
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$WALL" "$CPU" "$RSS" "$4" "$5" >>"$RES"
}
summary_num() {   # summary_num FILE KEY: the number after "KEY: " in a hunt summary
    sed -n "s/^$2: \([0-9,]*\).*/\1/p" "$1" | tr -d , | head -1
}

# ruledex WORKLOAD INPUT...: one and two threads; the cache is warm
ruledex_runs() {
    w=$1
    shift
    for j in 1 2; do
        # shellcheck disable=SC2086
        timed /dev/null "$DIR/err" "$RDX" hunt $RULES $CACHE -j $j -f jsonl "$@"
        record "$w" ruledex "$j" "$(summary_num "$DIR/err" events)" "$(summary_num "$DIR/err" detections)"
    done
}

has_peer() { case " $PEERS " in *" $1 "*) command -v "$1" >/dev/null 2>&1 ;; *) return 1 ;; esac; }
not_built() { printf '%s\t%s\t-\t-\t-\t-\t-\tnot built\n' "$1" "$2" >>"$RES"; }

evtx_dump_run() {   # evtx_dump_run WORKLOAD LIST: one process per file listed, one thread
    w=$1
    if ! has_peer evtx_dump; then not_built "$w" evtx_dump; return; fi
    timed "$DIR/evtx_dump.out" "$DIR/err" sh -c \
        'while IFS= read -r f; do evtx_dump -t 1 -o jsonl "$f"; done <"$1"' sh "$2"
    record "$w" evtx_dump 1 "$(wc -l <"$DIR/evtx_dump.out")" "-"
    rm -f "$DIR/evtx_dump.out"
}

hayabusa_run() {   # hayabusa_run WORKLOAD (-d DIR | -f FILE)
    w=$1
    shift
    if ! has_peer hayabusa; then not_built "$w" hayabusa; return; fi
    hdir=$(dirname "$(readlink -f "$(command -v hayabusa)")")/../..   # its source tree: rules/, config/
    for j in $PEER_THREADS; do
        rm -f "$DIR/hayabusa.csv"
        (cd "$hdir" && timed /dev/null "$DIR/err" hayabusa dfir-timeline "$@" -o "$DIR/hayabusa.csv" \
            -w -C -Q -N -K -q --threads $j && echo "$WALL $CPU $RSS" >"$DIR/peer.time")
        read -r WALL CPU RSS <"$DIR/peer.time"
        record "$w" hayabusa "$j" "-" "$(($(wc -l <"$DIR/hayabusa.csv" 2>/dev/null || echo 1) - 1))"
    done
}

chainsaw_run() {   # chainsaw_run WORKLOAD PATH
    w=$1
    if ! has_peer chainsaw; then not_built "$w" chainsaw; return; fi
    cdir=$(dirname "$(readlink -f "$(command -v chainsaw)")")/../..
    for j in $PEER_THREADS; do
        timed "$DIR/chainsaw.out" "$DIR/err" chainsaw --no-banner --num-threads $j hunt "$2" \
            -s "$R1" -s "$R2" -s "$R3" --mapping "$cdir/mappings/sigma-event-logs-all.yml" \
            --jsonl -q --skip-errors
        record "$w" chainsaw "$j" "-" "$(wc -l <"$DIR/chainsaw.out")"
    done
    rm -f "$DIR/chainsaw.out"
}

rsigma_run() {   # rsigma_run WORKLOAD FILE
    w=$1
    if ! has_peer rsigma; then not_built "$w" rsigma; return; fi
    mkdir -p "$DIR/rsigma-rules"   # one -r: the three folders linked under one
    ln -sfn "$R1" "$DIR/rsigma-rules/rules"
    ln -sfn "$R2" "$DIR/rsigma-rules/rules-emerging-threats"
    ln -sfn "$R3" "$DIR/rsigma-rules/rules-threat-hunting"
    timed "$DIR/rsigma.out" "$DIR/err" rsigma engine eval -q -r "$DIR/rsigma-rules" -e "@$2"
    record "$w" rsigma 1 "$(wc -l <"$2")" "$(wc -l <"$DIR/rsigma.out")"
    rm -f "$DIR/rsigma.out"
}

grep_run() {   # grep_run WORKLOAD FILE: every occurrence of every literal (-o), as a scan must
    w=$1
    if ! has_peer grep; then not_built "$w" "grep -F"; return; fi
    timed "$DIR/grep.out" "$DIR/err" sh -c 'LC_ALL=C grep -F -i -o -f "$1" "$2" | wc -l' sh \
        "$DIR/literals.txt" "$2"
    record "$w" "grep -F" 1 "$(wc -l <"$2")" "$(cat "$DIR/grep.out") literals"
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)," \
     "$(uname -sr); ruledex $(git rev-parse --short HEAD 2>/dev/null || echo '?'); load average" \
     "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "rules: $R1, $R2, $R3 ($(wc -l <"$DIR/literals.txt") distinct literals)"
echo

# The load: cold (no cache) and cached; the cached one is subtracted below.
rm -rf "$DIR/cache"
# shellcheck disable=SC2086
timed /dev/null "$DIR/err" "$RDX" hunt $RULES --no-cache -j 1 "$DIR/empty.jsonl"
COLD_WALL=$WALL COLD_CPU=$CPU COLD_RSS=$RSS
# shellcheck disable=SC2086
"$RDX" hunt $RULES $CACHE -j 1 "$DIR/empty.jsonl" >/dev/null 2>&1   # fills the cache
# shellcheck disable=SC2086
timed /dev/null "$DIR/err" "$RDX" hunt $RULES $CACHE -j 1 "$DIR/empty.jsonl"
LOAD_WALL=$WALL LOAD_CPU=$CPU LOAD_RSS=$RSS
SETUP=$("$B/bench" -m match $RULES "$DIR/empty.jsonl" | sed -n 's/^setup: //p')

echo "bench: samples" >&2
ruledex_runs samples "$SAMPLES"
evtx_dump_run samples "$DIR/samples.list"
hayabusa_run samples -d "$SAMPLES"
chainsaw_run samples "$SAMPLES"
echo "bench: evtx" >&2
ruledex_runs evtx "$EVTX"
echo "$EVTX" >"$DIR/evtx.list"
evtx_dump_run evtx "$DIR/evtx.list"
hayabusa_run evtx -f "$EVTX"
chainsaw_run evtx "$EVTX"
echo "bench: jsonl" >&2
ruledex_runs jsonl "$JSONL"
rsigma_run jsonl "$FLAT"
grep_run jsonl "$JSONL"
echo "bench: synthetic" >&2
ruledex_runs synthetic "$SYNTH"
grep_run synthetic "$SYNTH"
echo "bench: big" >&2
ruledex_runs big "$BIG"

# ---- the tables ---------------------------------------------------------------------

bytes_samples=$(bytes_of "$SAMPLES") bytes_evtx=$(bytes_of "$EVTX") bytes_jsonl=$(bytes_of "$JSONL")
bytes_flat=$(bytes_of "$FLAT") bytes_synth=$(bytes_of "$SYNTH") bytes_big=$(bytes_of "$BIG")
awk -F '\t' -v load="$LOAD_CPU" -v bs="$bytes_samples" -v be="$bytes_evtx" -v bj="$bytes_jsonl" \
    -v bf="$bytes_flat" -v bsy="$bytes_synth" -v bb="$bytes_big" '
function bytes(w, tool) {
    if (w == "samples") return bs; if (w == "evtx") return be; if (w == "big") return bb
    if (w == "jsonl") return tool == "rsigma" ? bf : bj
    return bsy
}
function num(x) { return x == "-" || x == "" ? "—" : x }
function grp(n,   s) { n = sprintf("%.0f", n); s = ""; while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) } return n s }
{
    key = $1 SUBSEP $2
    if (!(key in seen)) { seen[key] = 1; order[++n] = key; W[key] = $1; T[key] = $2 }
    if ($8 == "not built") { nb[key] = 1; next }
    if ($3 == 1) { wall1[key] = $4; cpu1[key] = $5; rss[key] = $6; ev[key] = $7; det[key] = $8 }
    if ($3 == 2) { wall2[key] = $4; if ($6 > rss[key]) rss2[key] = $6 }
}
END {
    print "| workload | tool | events | MB | CPU s (1 thread) | events/s per core | MB/s per core | wall 1 thread | wall 2 threads | peak RSS MiB | detections |"
    print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for (i = 1; i <= n; i++) {
        k = order[i]; w = W[k]; t = T[k]
        if (nb[k]) { printf "| %s | %s | — | — | — | — | — | — | — | — | not built |\n", w, t; continue }
        mb = bytes(w, t) / 1048576
        c = cpu1[k]; if (t == "ruledex") { c = c - load; if (c < 0.01) c = 0.01 }
        e = ev[k] ~ /^[0-9]+$/ ? ev[k] : ""
        eps = e != "" && c > 0 ? grp(e / c) : "—"
        mbs = c > 0 ? sprintf("%.0f", mb / c) : "—"
        printf "| %s | %s | %s | %.0f | %.2f%s | %s | %s | %s | %s | %.0f | %s |\n", w, t,
               e != "" ? grp(e) : "—", mb, c, t == "ruledex" ? " (after load)" : "", eps, mbs,
               num(wall1[k]), num(wall2[k]), rss[k] / 1024, num(det[k])
        if (t == "ruledex") { ours[w] = c; ourwall1[w] = wall1[k]; ourwall2[w] = wall2[k] }
        else if (c > 0) { peer[w, t] = c + 0; peers[w] = peers[w] " " t }
    }
    print ""
    print "| workload | ruledex CPU s | peer | peer CPU s | peer ÷ ruledex |"
    print "| --- | ---: | --- | ---: | ---: |"
    for (i = 1; i <= n; i++) {
        k = order[i]; w = W[k]; t = T[k]
        if (t == "ruledex" || nb[k] || !((w, t) in peer) || !(w in ours)) continue
        r = peer[w, t] / ours[w]
        printf "| %s | %.2f | %s | %.2f | " (r < 1 ? "%.2f" : "%.1f") "× |\n", w, ours[w], t, peer[w, t], r
    }
    print ""
    for (w in ourwall1) if (ourwall2[w] > 0)
        printf "two threads on %s: %.2f s → %.2f s wall, %.2f× one thread\n", w, ourwall1[w], ourwall2[w], ourwall1[w] / ourwall2[w]
}' "$RES"
echo
echo "| load and compile (whole process, empty input) | wall s | CPU s | peak RSS MiB |"
echo "| --- | ---: | ---: | ---: |"
echo "| cold (--no-cache) | $COLD_WALL | $COLD_CPU | $((COLD_RSS / 1024)) |"
echo "| from the cache | $LOAD_WALL | $LOAD_CPU | $((LOAD_RSS / 1024)) |"
echo
echo "in-process (bench -m match, no cache): $SETUP"
echo
echo "raw results: $RES"

if [ "${RDX_BENCH_MICRO:-0}" = 1 ]; then
    echo
    echo "== matcher micro-benchmarks (bench/bench.c, one thread, CPU time)"
    # shellcheck disable=SC2086
    {
        "$B/bench" -m read -L none -l "$DIR/samples.list"
        "$B/bench" -m ref-routed $RULES -n 3000 -l "$DIR/samples.list"
        "$B/bench" -m match $RULES -l "$DIR/samples.list"
        "$B/bench" -m read -L none "$SYNTH"
        "$B/bench" -m match $RULES "$SYNTH" | grep -v '^setup'
    }
fi
if [ "${RDX_BENCH_DIFF:-0}" = 1 ]; then
    echo
    echo "== differential: matcher vs reference (routed) on every sample event"
    # shellcheck disable=SC2086
    "$B/bench" -m diff $RULES -l "$DIR/samples.list" | grep -v '^setup'
fi
