#!/bin/sh
# run.sh — build and run the fuzz targets (docs/FUZZING.md).
#
# Every tests/fuzz/fuzz_NAME.c is a target; nothing here needs to change
# when one is added.  For each target this script
#   1. builds the library and the target with clang into build-fuzz/
#      (-fsanitize=fuzzer,address,undefined; the library through the
#      Makefile, so rebuilds are incremental);
#   2. seeds build-fuzz/seeds/NAME/ from ../shared/corpus (see seed_*) and
#      from tests/data/regressions/NAME/, once;
#   3. runs it for FUZZ_SECONDS on build-fuzz/corpus/NAME/ (kept between
#      runs, so coverage accumulates) and prints one line of figures:
#        fuzz NAME: EXECS execs (N/s), cov C, ft F, corpus U, S s, rss M MB, findings K
#   4. ends with "fuzz: N targets, N findings" and fails if there was one.
# A finding is left in build-fuzz/artifacts/NAME/ (crash-*, leak-*, oom-*,
# timeout-*); copy it to tests/data/regressions/NAME/ so the unit tests
# replay it for ever.
#
#   sh tests/fuzz/run.sh [-b] [TARGET...]     -b: build only
#
# Environment:
#   FUZZ_SECONDS   time per target (default 60)
#   FUZZ_JOBS      targets run side by side, 1 or 2 (default 1)
#   FUZZ_ENGINE    libfuzzer (default) or afl: AFL++ with afl-clang-fast,
#                  the same targets linked with AFL++'s libFuzzer driver,
#                  run by afl-fuzz -V FUZZ_SECONDS
#   FUZZ_TIMEOUT   seconds one input may take before it counts as a hang (25)
#   FUZZ_RSS_MB    memory one run may use before it counts as a finding (2048)
#   FUZZ_RESEED=1  rebuild the seed directories
#   RDX_CORPUS     the shared corpus (default ../shared/corpus)
#
# Per-target compile flags: a line " * fuzz-cflags: -DX=1" in the target's
# header comment (json gets small reader blocks, as fuzz_json.c asks).  A
# libFuzzer dictionary tests/fuzz/NAME.dict is used when it exists; sigma
# and condition get generated ones.
set -u
cd "$(dirname "$0")/../.."

OUT=build-fuzz
SECONDS_EACH=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-1}
ENGINE=${FUZZ_ENGINE:-libfuzzer}
TIMEOUT=${FUZZ_TIMEOUT:-25}
RSS=${FUZZ_RSS_MB:-2048}
CORPUS=${RDX_CORPUS:-../shared/corpus}
BUILD_ONLY=0
if [ "${1:-}" = "-b" ]; then BUILD_ONLY=1; shift; fi

if [ "$ENGINE" = afl ]; then
    FCC=afl-clang-fast
    LIB_SAN="-fsanitize=address,undefined"
else
    FCC=clang
    LIB_SAN="-fsanitize=fuzzer-no-link,address,undefined"
fi
command -v "$FCC" >/dev/null 2>&1 || { echo "fuzz: $FCC not found (FUZZ_ENGINE=$ENGINE)" >&2; exit 2; }
LIB_CFLAGS="-O1 -g -fno-omit-frame-pointer $LIB_SAN -fno-sanitize-recover=all"
CFLAGS_C="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wshadow
          -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter -Iinclude -Isrc -Itests/fuzz"
LIBS="$(pkg-config --libs libfyaml libpcre2-8 libhs libdeflate zlib) -lpthread -lm"

if [ $# -gt 0 ]; then
    TARGETS=$*
else
    TARGETS=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c | sed 's/^fuzz_//'; done)
fi

# ---- build ------------------------------------------------------------------

# fuzz-cflags: of one target, from its header comment.
target_cflags() {
    sed -n 's/^ \* fuzz-cflags: *//p' "tests/fuzz/fuzz_$1.c" | head -1
}

# The fuzz_json.c comment asks for small reader blocks so that short inputs
# cross them; honour that until the file says it with a fuzz-cflags line.
extra_cflags() {
    x=$(target_cflags "$1")
    if [ -z "$x" ] && [ "$1" = json ]; then
        x="-DRDX_JSON_BLOCK_SIZE=16 -DRDX_JSON_MAX_EVENT=1024"
    fi
    echo "$x"
}

build() {   # build TARGET -> $OUT/fuzz_TARGET
    t=$1
    extra=$(extra_cflags "$t")
    lib=$OUT/lib-$ENGINE
    [ -n "$extra" ] && lib=$OUT/lib-$ENGINE-$t
    # The library through the Makefile (incremental, same warnings as make);
    # its output is shown only when it fails.
    mkdir -p "$OUT/logs"
    # shellcheck disable=SC2086
    if ! make -s -j2 CC="$FCC" B="$lib" CFLAGS="$LIB_CFLAGS $extra" "$lib/libruledex.a" \
            >"$OUT/logs/build-$t.log" 2>&1; then
        cat "$OUT/logs/build-$t.log"
        return 1
    fi
    obj=$OUT/obj-$ENGINE/$t
    mkdir -p "$obj"
    # shellcheck disable=SC2086
    $FCC $CFLAGS_C $LIB_CFLAGS $extra -c "tests/fuzz/fuzz_$t.c" -o "$obj/fuzz.o" &&
    $FCC $CFLAGS_C $LIB_CFLAGS $extra -c tests/fuzz/targets.c -o "$obj/targets.o" &&
    $FCC -fsanitize=fuzzer,address,undefined -o "$OUT/$ENGINE-fuzz_$t" "$obj/fuzz.o" \
        "$obj/targets.o" "$lib/libruledex.a" $LIBS
}

# ---- seeds --------------------------------------------------------------------

# Copy files (NUL-separated list on stdin) into dir, named by a counter, at
# most $2 bytes of each.
copy_seeds() {   # copy_seeds DIR MAXBYTES
    n=0
    while IFS= read -r f; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        head -c "$2" "$f" >"$1/seed_$n"
    done
}

seed_sigma() {
    find "$CORPUS/sigma" examples/rules tests/data/golden -name '*.yml' 2>/dev/null | sort |
        copy_seeds "$1" 65536
}

# Conditions of the corpus rules, one per file: single-line conditions and
# the items of condition lists.
seed_splunk() {
    find "$CORPUS/splunk/detections" -name '*.yml' 2>/dev/null | sort | copy_seeds "$1" 65536
}

seed_kusto() {
    find "$CORPUS/kusto" -name '*.md' -o -name '*.txt' -o -name '*.csl' 2>/dev/null | sort |
        copy_seeds "$1" 65536
}

seed_condition() {
    find "$CORPUS/sigma" examples/rules -name '*.yml' 2>/dev/null | sort | while IFS= read -r f; do
        awk '
            /^    condition: *[^ ]/ { sub(/^    condition: */, ""); print; next }
            /^    condition: *$/    { inlist = 1; next }
            inlist && /^        - / { sub(/^        - /, ""); print; next }
            { inlist = 0 }' "$f"
    done | sed "s/^'\(.*\)'\$/\1/; s/^\"\(.*\)\"\$/\1/" | sort -u | {
        n=0
        while IFS= read -r c; do
            n=$((n + 1))
            printf '\001%s' "$c" >"$1/seed_$n"
        done
    }
}

seed_json() {
    { find "$CORPUS/sigma-regression" -name '*.json'
      find tests/data/json examples/events tests/data/golden -name '*.json*'; } 2>/dev/null |
        sort | copy_seeds "$1" 65536
}

# EVTX files are large; their first two chunks carry every structure the
# reader knows (header, chunk header, string and template tables, records).
seed_evtx() {
    { find "$CORPUS/evtx-damaged" -type f ! -name '*.md' ! -name '*.tsv'
      find "$CORPUS/evtx-samples" -name '*.evtx'
      find tests/data/evtx -type f; } 2>/dev/null | sort | copy_seeds "$1" 135168
}

# fuzz_pattern's layout: [flags] [split] [pattern] [subject]; the values of
# the corpus rules, each matched against itself, with varying flags.
seed_pattern() {
    find "$CORPUS/sigma/rules" -name '*.yml' 2>/dev/null | sort | head -300 |
        xargs -r sed -n "s/^ *- '\([^']*\)'\$/\1/p" 2>/dev/null | sort -u | head -400 | {
        n=0
        while IFS= read -r v; do
            n=$((n + 1))
            len=${#v}
            [ "$len" -gt 255 ] && continue
            printf "\\$(printf '%03o' $((n % 32)))\\$(printf '%03o' "$len")%s%s" "$v" "$v" >"$1/seed_$n"
        done
    }
}

seed_logsource() {
    find data -name '*.yml' | copy_seeds "$1" 1048576
}

# Correlation documents: the spec's schema tests and the shipped fixtures.
seed_correlation() {
    { find "$CORPUS/docs/sigma-specification/tests" -path '*correlation*' -name '*.yml' 2>/dev/null
      find tests/data/correlation -name '*.yml'; } | sort | copy_seeds "$1" 65536
}

seed_attack() {
    find "$CORPUS/attack" -name '*.tsv' 2>/dev/null | copy_seeds "$1" 1048576
    [ -f "$CORPUS/attack/enterprise-attack.json" ] &&
        head -c 65536 "$CORPUS/attack/enterprise-attack.json" >"$1/stix_head.json"
    return 0
}

seed_elastic() {
    find "$CORPUS/elastic" tests/data/toml -name '*.toml' 2>/dev/null | sort | copy_seeds "$1" 65536
}

seed_yaral() {
    find "$CORPUS/chronicle" -name '*.yaral' 2>/dev/null | sort | copy_seeds "$1" 65536
}

seed() {   # seed TARGET -> $OUT/seeds/TARGET
    dir=$OUT/seeds/$1
    if [ -d "$dir" ] && [ -z "${FUZZ_RESEED:-}" ]; then return 0; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ -d "$CORPUS" ]; then
        case $1 in
        sigma|condition|json|evtx|pattern|logsource|attack|correlation|elastic|yaral|splunk|kusto) "seed_$1" "$dir" ;;
        cache|snapshot) ;;   # seeded from tests/data/regressions/NAME/ below
        *) ;;   # a new target starts from nothing until a seed_ function is added
        esac
    else
        echo "fuzz: $CORPUS not found; $1 starts without seeds" >&2
    fi
    if [ -d "tests/data/regressions/$1" ]; then
        for f in "tests/data/regressions/$1"/*; do
            [ -f "$f" ] && cp "$f" "$dir/regression_$(basename "$f")"
        done
    fi
    [ -n "$(ls "$dir")" ] || printf '' >"$dir/empty"
}

dict() {   # dict TARGET -> path of a dictionary, or nothing
    if [ -f "tests/fuzz/$1.dict" ]; then echo "tests/fuzz/$1.dict"; return; fi
    mkdir -p "$OUT/dict"
    f=$OUT/dict/$1.dict
    case $1 in
    condition) words="and or not 1 of all them any ( ) | selection selection_* filter_* \
                      _internal sel-1.a sel* keywords count() near" ;;
    sigma) words="title: id: name: status: description: author: date: modified: level: \
                  logsource: product: category: service: definition: detection: condition: \
                  selection: filter: keywords: rules: action: global reset repeat correlation: \
                  timeframe: related: type: derived references: tags: falsepositives: fields: \
                  |contains |startswith |endswith |all |re |i |m |s |cidr |base64 \
                  |base64offset |utf16le |utf16be |wide |utf16 |windash |exists |fieldref \
                  |expand |cased |neq |lt |lte |gt |gte |minute |hour |day |week |month |year \
                  null true false ~ --- ... &a *a !!str 1 of them all of not and or \
                  %Admins_Workstations% %Domain_Controllers% %Users% 0x1F 1_000 .inf" ;;
    *) return ;;
    esac
    for w in $words; do printf '"%s"\n' "$w"; done >"$f"
    echo "$f"
}

# ---- run ----------------------------------------------------------------------

summary_libfuzzer() {   # summary_libfuzzer TARGET LOG SECONDS
    awk -v t="$1" -v s="$3" -v art="$OUT/artifacts/$1" '
        /^#[0-9]+/ && / cov: / {
            for (i = 1; i <= NF; i++) {
                if ($i == "cov:") cov = $(i + 1)
                if ($i == "ft:") ft = $(i + 1)
                if ($i == "corp:") { corp = $(i + 1); sub(/\/.*/, "", corp) }
            }
        }
        /^stat::number_of_executed_units:/ { execs = $2 }
        /^stat::average_exec_per_sec:/ { rate = $2 }
        /^stat::peak_rss_mb:/ { rss = $2 }
        END {
            cmd = "ls " art " 2>/dev/null | wc -l"; cmd | getline found; close(cmd)
            printf "fuzz %s: %d execs (%d/s), cov %d, ft %d, corpus %d, %d s, rss %d MB, findings %d\n",
                   t, execs, rate, cov, ft, corp, s, rss, found
        }' "$2"
}

summary_afl() {   # summary_afl TARGET STATSDIR SECONDS
    st=$2/default/fuzzer_stats
    found=$(ls "$2/default/crashes" "$2/default/hangs" 2>/dev/null | grep -c '^id:')
    awk -F' *: *' -v t="$1" -v s="$3" -v found="$found" '
        { v[$1] = $2 }
        END { printf "fuzz %s: %d execs (%d/s), bitmap %s, corpus %d, %d s, findings %d\n",
                     t, v["execs_done"], v["execs_per_sec"], v["bitmap_cvg"], v["corpus_count"], s, found }' "$st"
}

run_one() {   # run_one TARGET  (prints the figures line)
    t=$1
    bin=$OUT/$ENGINE-fuzz_$t
    mkdir -p "$OUT/corpus/$t" "$OUT/logs"
    rm -rf "$OUT/artifacts/$t"
    mkdir -p "$OUT/artifacts/$t"
    d=$(dict "$t")
    log=$OUT/logs/$t.log
    start=$(date +%s)
    if [ "$ENGINE" = afl ]; then
        rm -rf "$OUT/afl/$t"
        AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
            afl-fuzz -V "$SECONDS_EACH" -t $((TIMEOUT * 1000)) -m none \
            -i "$OUT/seeds/$t" -o "$OUT/afl/$t" ${d:+-x "$d"} -- "$bin" >"$log" 2>&1
        summary_afl "$t" "$OUT/afl/$t" $(( $(date +%s) - start ))
    else
        "$bin" -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb="$RSS" \
            -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t/" ${d:+-dict="$d"} \
            "$OUT/corpus/$t" "$OUT/seeds/$t" >"$log" 2>&1
        summary_libfuzzer "$t" "$log" $(( $(date +%s) - start ))
    fi
}

# libfyaml 0.7.12 (Debian 12) leaks the chunk array of its atom iterator
# when a single-quoted scalar holds more than eight '' escapes (512 bytes a
# scalar; docs/FUZZING.md).  It is not ours to fix and would stop every run
# at once, so leaks allocated inside libfyaml are suppressed; remove this
# when the system library is fixed.
mkdir -p "$OUT"
printf 'leak:libfyaml.so\n' >"$OUT/lsan.supp"
LSAN_OPTIONS="suppressions=$(pwd)/$OUT/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

for t in $TARGETS; do
    [ -f "tests/fuzz/fuzz_$t.c" ] || { echo "fuzz: no target tests/fuzz/fuzz_$t.c" >&2; exit 2; }
    if ! build "$t"; then
        echo "fuzz $t: build failed"
        exit 1
    fi
    seed "$t"
done
[ $BUILD_ONLY = 1 ] && exit 0

results=$OUT/results.txt
: >"$results"
set -- $TARGETS
while [ $# -gt 0 ]; do
    if [ "$JOBS" -ge 2 ] && [ $# -ge 2 ]; then
        run_one "$1" >"$OUT/r1" &
        run_one "$2" >"$OUT/r2"
        wait
        cat "$OUT/r1" "$OUT/r2" | tee -a "$results"
        shift 2
    else
        run_one "$1" | tee -a "$results"
        shift
    fi
done
rm -f "$OUT/r1" "$OUT/r2"
awk '{ n++; f += $NF } END { printf "fuzz: %d targets, %d findings\n", n, f; exit (f > 0) }' "$results"
