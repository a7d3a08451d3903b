#!/bin/sh
# run.sh — evidence is hostile: the command line on inputs that arrive
# through pipes, links and full disks, and on text that attacks a terminal.
#
# Each check runs ruledex under `timeout` (a hang is a failure, not a stuck
# suite) in a scratch directory, and looks at what a responder would see:
# the exit status, what was written, what is left on disk.
#
#   walks      symbolic link loops (one link, two, exponential fan-out),
#              FIFOs/sockets named *.jsonl in a directory (reported, never
#              opened), overlapping arguments and links read once, paths
#              printed without doubled separators
#   streams    '-', /dev/stdin (once with '-'), a named FIFO, <(zcat ...)
#              (bash), EVTX through a pipe; a live feed whose first
#              detection appears before the input ends
#   evtx       zero-length, header-only and non-EVTX .evtx: unreadable,
#              exit status 4
#   outputs    -o is an input, or inside an input directory (hunt, dump,
#              show, catalog): refused; -o onto a symbolic link (written
#              through), a link to /proc/self/fd/1 (what /dev/stdout is), a
#              FIFO, a device node made with mknod (root; never the real
#              /dev/null, which a regression would replace), a read-only
#              directory; the mode a plain > gives; SIGTERM
#              removes the temporary file; a full disk — a 64 KiB tmpfs
#              when this runs as root and can mount one, and always the
#              writer's fault hook (RDX_FAULT_WRITE_LIMIT) — exit 74, the
#              file named with the reason, no partial file, the previous
#              result intact
#   catalog    the manifest: .git, CNAME and foreign files kept, stale pages
#              removed, a foreign page in the way refused, a non-empty
#              directory refused, no absolute path of the builder in pages
#   usage      unknown --status, --color, levels; no rule selected;
#              --from after --to; -q keeps error messages; options after
#              operands; an ambiguous id lists its candidates
#   text       escape sequences, NUL and formulas in events and in rule file
#              names never reach the terminal raw
#
# Ends with "evidence: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
B=${RDX_BUILD:-build}
RDX=$(pwd)/$B/ruledex
ROOT=$(pwd)
export RDX_NO_PROGRESS=1 NO_COLOR=1
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL evidence $1"; }
skipped() { skip=$((skip + 1)); echo "skip evidence $1"; }
check() {   # check NAME COMMAND...: passes when the command succeeds
    name=$1
    shift
    if "$@"; then ok; else no "$name"; fi
}
checkx() {   # checkx NAME 'CONDITION': a shell condition (&&, ||, !), evaluated here
    if eval "$2"; then ok; else no "$1"; fi
}

T=$(mktemp -d)
MNT=
cleanup() {
    [ -n "$MNT" ] && umount "$MNT" 2>/dev/null
    chmod -R u+w "$T" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
if [ ! -x "$RDX" ] || ! cc -O1 -I tests/unit -o "$T/mkevtx" tests/evidence/mkevtx.c tests/unit/evtx_writer.c -lz; then
    echo "FAIL evidence: cannot build tests/evidence/mkevtx.c or find $RDX"
    echo "evidence: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
RULES=$ROOT/examples/rules
EVENTS=$ROOT/examples/events
hunt() { timeout 30 "$RDX" hunt "$@"; }

# an event that matches examples/rules (whoami), with text that attacks
# the terminal and the spreadsheet
hostile='{"Event": {"System": {"Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon"}}, "EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational", "Computer": "=cmd|\u0027 /C calc\u0027!A0", "TimeCreated": {"#attributes": {"SystemTime": "2024-05-01T10:00:00Z"}}}, "EventData": {"Image": "C:\\Windows\\System32\\whoami.exe", "CommandLine": "whoami /priv\u001b]0;owned\u0007\u001b[2K\u001b[1Agone\u0000hidden \u009b1m"}}}'

# ---- walks --------------------------------------------------------------------------

mkdir -p "$T/ev/a" "$T/ev/b"
cp "$EVENTS/sysmon.jsonl" "$T/ev/a/"
cp "$EVENTS/winlogbeat.jsonl" "$T/ev/b/"
ln -s . "$T/ev/a/self"                 # a loop of one link
ln -s ../b "$T/ev/a/to-b"              # a loop of two
ln -s ../a "$T/ev/b/to-a"
for k in 1 2 3 4 5 6 7 8; do ln -s .. "$T/ev/b/up$k"; done   # 8^depth paths if followed
mkfifo "$T/ev/a/trap.jsonl"            # opening it would wait for ever
ln "$T/ev/a/sysmon.jsonl" "$T/ev/b/again.jsonl"   # the same file twice
want=$(hunt -r "$RULES" "$EVENTS" 2>&1 >/dev/null | grep '^detections:')
hunt -r "$RULES" "$T/ev" >"$T/out" 2>"$T/err"
rc=$?
check "walk: ends, exit status 5 expected 1 (got $rc)" [ $rc = 1 ]
check "walk: the link loops reported" grep -q "symbolic link loop" "$T/err"
# ten links lead back up (self, to-a, up1..up8): each reported once, however
# many paths reach it
check "walk: each looping link reported once ($(grep -c 'symbolic link loop' "$T/err"))" \
    [ "$(grep -c 'symbolic link loop' "$T/err")" = 10 ] && [ "$(grep 'symbolic link loop' "$T/err" | sort -u | wc -l)" = 10 ]
check "walk: the FIFO reported and skipped" grep -q "trap.jsonl: warning: a FIFO, not a regular file; skipped" "$T/err"
check "walk: each file read once (2 files)" grep -q "^files: 2 read$" "$T/err"
check "walk: the same detections as the files themselves" grep -qx "$want" "$T/err"
check "walk: no doubled separators" sh -c "! grep -q '//' '$T/out' '$T/err'"
# overlapping arguments: a directory, a file in it, the directory again
hunt -q -f jsonl -r "$RULES" "$EVENTS" "$EVENTS/sysmon.jsonl" ./examples/events/ "$EVENTS//" >"$T/out" 2>&1
check "overlapping arguments read once" [ "$(wc -l <"$T/out")" = "$(hunt -q -f jsonl -r "$RULES" "$EVENTS" | wc -l)" ]
hunt -r "$RULES/" "$EVENTS/" >"$T/out" 2>&1
check "paths printed without doubled separators" sh -c "! grep -q '//' '$T/out'"
# the same rule file through two -r, and through a link
ln -s "$RULES/proc_creation_win_whoami_recon.yml" "$T/rule-link.yml"
hunt -q -f jsonl -r "$RULES" -r "$RULES/proc_creation_win_whoami_recon.yml" -r "$T/rule-link.yml" "$EVENTS" >"$T/out"
check "a rule file reached three times is read once" \
    [ "$(wc -l <"$T/out")" = "$(hunt -q -f jsonl -r "$RULES" "$EVENTS" | wc -l)" ]

# ---- streams ------------------------------------------------------------------------

n=$(hunt -q -f jsonl -r "$RULES" "$EVENTS/sysmon.jsonl" | wc -l)
check "stdin with -" [ "$(hunt -q -f jsonl -r "$RULES" - <"$EVENTS/sysmon.jsonl" | wc -l)" = "$n" ]
check "/dev/stdin" [ "$(cat "$EVENTS/sysmon.jsonl" | hunt -q -f jsonl -r "$RULES" /dev/stdin | wc -l)" = "$n" ]
check "- and /dev/stdin: one stream, read once" \
    [ "$(cat "$EVENTS/sysmon.jsonl" | hunt -q -f jsonl -r "$RULES" - /dev/stdin | wc -l)" = "$n" ]
mkfifo "$T/pipe"
(cat "$EVENTS/sysmon.jsonl" >"$T/pipe" &)
check "a named FIFO on the command line is read as a stream" \
    [ "$(hunt -q -f jsonl -r "$RULES" "$T/pipe" | wc -l)" = "$n" ]
"$T/mkevtx" "$T/syn.evtx" 3 4
ne=$(hunt -q -f jsonl -r "$RULES" "$T/syn.evtx" | wc -l)
checkx "EVTX through a pipe: recognised, not a byte lost ($ne)" \
    '[ "$ne" = 12 ] && [ "$(cat "$T/syn.evtx" | hunt -q -f jsonl -r "$RULES" - | wc -l)" = 12 ]'
check "dump reads EVTX from a pipe" [ "$(cat "$T/syn.evtx" | timeout 30 "$RDX" dump - | wc -l)" = 12 ]
if command -v bash >/dev/null 2>&1; then
    gzip -c "$EVENTS/sysmon.jsonl" >"$T/day.jsonl.gz"
    got=$(RDX="$RDX" RULES="$RULES" T="$T" timeout 30 bash -c '"$RDX" hunt -q -f jsonl -r "$RULES" <(zcat "$T/day.jsonl.gz")' | wc -l)
    check "process substitution <(zcat day.jsonl.gz)" [ "$got" = "$n" ]
    got=$(RDX="$RDX" RULES="$RULES" T="$T" timeout 30 bash -c '"$RDX" hunt -q -f jsonl -r "$RULES" <(cat "$T/syn.evtx")' | wc -l)
    check "process substitution of an EVTX file" [ "$got" = 12 ]
else
    skipped "process substitution: needs bash"
fi
# live: the first detection must be out while the input is still open
rm -f "$T/live"
{ printf '%s\n' "$hostile"; sleep 8; } | timeout 20 "$RDX" hunt -q -f jsonl -r "$RULES" - >"$T/live" 2>/dev/null &
live=no
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
    if [ -s "$T/live" ]; then live=yes; break; fi
    sleep 0.2
done
check "live feed: the first detection is written before the input ends" [ $live = yes ]
{ printf '%s\n' "$hostile"; sleep 8; } | timeout 20 "$RDX" hunt -q -r "$RULES" - >"$T/live-table" 2>/dev/null &
live=no
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
    if [ -s "$T/live-table" ]; then live=yes; break; fi
    sleep 0.2
done
check "live feed, table: the first detection is written before the input ends" [ $live = yes ]
wait

# ---- EVTX that holds nothing ------------------------------------------------------------

: >"$T/zero.evtx"
printf 'ElfFile\000' >"$T/sig.evtx"
head -c 4096 "$T/syn.evtx" >"$T/header-only.evtx"
cp "$EVENTS/sysmon.jsonl" "$T/json.evtx"
for f in zero sig header-only json; do
    hunt -r "$RULES" "$T/$f.evtx" >/dev/null 2>"$T/err"
    rc=$?
    check "$f.evtx is unreadable, exit status 4 (got $rc)" [ $rc = 4 ]
    check "$f.evtx: counted as a file that could not be read" grep -q "files: 0 read, 1 could not be read" "$T/err"
done

# ---- outputs ---------------------------------------------------------------------------

cp "$T/syn.evtx" "$T/evidence.evtx"
sum=$(cksum <"$T/evidence.evtx")
timeout 30 "$RDX" dump -o "$T/evidence.evtx" "$T/evidence.evtx" 2>"$T/err"
rc=$?
checkx "dump -o x.evtx x.evtx is refused (exit $rc)" '[ $rc = 2 ] && grep -q "is one of the inputs" "$T/err"'
check "... and the evidence is intact" [ "$(cksum <"$T/evidence.evtx")" = "$sum" ]
timeout 30 "$RDX" dump "$T/evidence.evtx" -o "$T/dump.jsonl"
check "dump FILE -o OUT: options after operands" [ "$(wc -l <"$T/dump.jsonl")" = 12 ]
mkdir -p "$T/case"
cp "$EVENTS/sysmon.jsonl" "$T/case/"
hunt -r "$RULES" "$T/case" -o "$T/case/results.jsonl" -f jsonl 2>"$T/err"
rc=$?
checkx "hunt -o inside the input directory is refused (exit $rc)" '[ $rc = 2 ] && [ ! -e "$T/case/results.jsonl" ]'
check "... saying why" grep -q "lies inside the input directory" "$T/err"
hunt -r "$RULES" "$T/case/sysmon.jsonl" -o "$T/case/sysmon.jsonl" 2>/dev/null
rc=$?
checkx "hunt -o onto an input file is refused (exit $rc)" '[ $rc = 2 ] && cmp -s "$T/case/sysmon.jsonl" "$EVENTS/sysmon.jsonl"'
cp -r "$RULES" "$T/rules"   # a copy: a failure here must not write into the repository
timeout 30 "$RDX" show "$T/rules/proc_creation_win_whoami_recon.yml" -r "$T/rules" --no-attack -o "$T/rules/page.txt" 2>/dev/null
rc=$?
checkx "show -o into the rule directory is refused (exit $rc)" '[ $rc = 2 ] && [ ! -e "$T/rules/page.txt" ]'
timeout 30 "$RDX" catalog -r "$T/rules" --no-attack -o "$T/rules/site" -q 2>/dev/null
rc=$?
checkx "catalog -o inside the rule directory is refused (exit $rc)" '[ $rc = 2 ] && [ ! -e "$T/rules/site" ]'

# -o onto a symbolic link writes through it
echo old >"$T/target.jsonl"
ln -s target.jsonl "$T/link.jsonl"
hunt -q -f jsonl -r "$RULES" "$EVENTS" -o "$T/link.jsonl"
check "-o onto a symbolic link: still a link" [ -L "$T/link.jsonl" ]
check "-o onto a symbolic link: its target written" [ "$(wc -l <"$T/target.jsonl")" -gt 1 ]
ln -s nowhere/missing.jsonl "$T/dangling.jsonl"
hunt -q -f jsonl -r "$RULES" "$EVENTS" -o "$T/dangling.jsonl" 2>/dev/null
rc=$?
checkx "-o onto a dangling link is refused (exit $rc, 74 expected)" '[ $rc = 74 ] && [ -L "$T/dangling.jsonl" ]'
# devices and pipes are written to, never replaced.  Never tried on the real
# /dev/stdout or /dev/null: a regression running as root would replace the
# machine's own.  $T/stdout is what /dev/stdout is, a link to /proc/self/fd/1.
ln -s /proc/self/fd/1 "$T/stdout"
check "-o onto a link to standard output (as /dev/stdout) writes to standard output" \
    [ "$(hunt -q -f jsonl -r "$RULES" "$EVENTS" -o "$T/stdout" | wc -l)" = "$(hunt -q -f jsonl -r "$RULES" "$EVENTS" | wc -l)" ]
check "... and the link is still a link" [ -L "$T/stdout" ]
mkfifo "$T/out.fifo"
(cat "$T/out.fifo" >"$T/from-fifo" &)
hunt -q -f jsonl -r "$RULES" "$EVENTS" -o "$T/out.fifo"
sleep 0.2
checkx "-o onto a FIFO: written to, still a FIFO" '[ -p "$T/out.fifo" ] && [ -s "$T/from-fifo" ]'
if [ "$(id -u)" = 0 ] && mknod "$T/null" c 1 3 2>/dev/null; then
    hunt -q -r "$RULES" "$EVENTS" -o "$T/null"
    rc=$?
    check "-o onto a device node made with mknod: written to (exit $rc)" [ $rc = 1 ]
    check "... and still a device node" [ -c "$T/null" ]
    timeout 30 "$RDX" dump "$T/syn.evtx" -o "$T/null"
    check "dump -o onto the device node: still a device node" [ -c "$T/null" ]
else
    skipped "-o onto a device node: mknod needs root"
fi
# the mode a plain > gives: the umask for a new file, the old mode for an old one
(umask 027 && hunt -q -r "$RULES" "$EVENTS" -o "$T/new.txt")
check "a new output file gets the umask's mode (640)" [ "$(stat -c %a "$T/new.txt")" = 640 ]
echo old >"$T/old.txt"
chmod 604 "$T/old.txt"
hunt -q -r "$RULES" "$EVENTS" -o "$T/old.txt"
check "an output file replaced keeps its mode (604)" [ "$(stat -c %a "$T/old.txt")" = 604 ]
# a read-only directory
mkdir -p "$T/ro"
if [ "$(id -u)" = 0 ]; then
    mount -t tmpfs -o ro,size=64k tmpfs "$T/ro" 2>/dev/null && MNT="$T/ro"
else
    chmod 555 "$T/ro"
fi
if [ "$(id -u)" != 0 ] || [ -n "$MNT" ]; then
    hunt -q -r "$RULES" "$EVENTS" -o "$T/ro/out.txt" 2>"$T/err"
    rc=$?
    check "-o into a read-only directory: exit 74 (got $rc)" [ $rc = 74 ]
    check "... the message names the file and the reason" grep -q "cannot write $T/ro/out.txt: Read-only file system\|cannot write $T/ro/out.txt: Permission denied" "$T/err"
    [ -n "$MNT" ] && umount "$MNT" && MNT=
else
    skipped "-o into a read-only directory: running as root without mount"
fi
# SIGTERM during a run: the temporary file goes with it
mkfifo "$T/slow"
(cat "$EVENTS/sysmon.jsonl" && exec sleep 30) >"$T/slow" &
feeder=$!
"$RDX" hunt -q -r "$RULES" "$T/slow" -o "$T/killed.txt" 2>/dev/null &
victim=$!
sleep 1
kill -TERM $victim
wait $victim 2>/dev/null
rc=$?
kill $feeder 2>/dev/null
check "SIGTERM: the run ends by the signal (status $rc)" [ $rc = 143 ]
check "SIGTERM: no output and no temporary file left" [ -z "$(ls -A "$T" | grep -i killed)" ]

# a full disk: the writer's fault hook, then a real 64 KiB tmpfs
echo "the previous result" >"$T/full.jsonl"
RDX_FAULT_WRITE_LIMIT=1000 hunt -q -f jsonl -r "$RULES" "$EVENTS" -o "$T/full.jsonl" 2>"$T/err"
rc=$?
check "full disk (fault hook): exit 74 (got $rc)" [ $rc = 74 ]
check "full disk (fault hook): the file and the reason named" \
    grep -q "cannot write $T/full.jsonl: No space left on device" "$T/err"
check "full disk (fault hook): the previous result intact" [ "$(cat "$T/full.jsonl")" = "the previous result" ]
check "full disk (fault hook): no partial file left" [ -z "$(ls -A "$T" | grep '\.tmp-')" ]
RDX_FAULT_WRITE_LIMIT=100 timeout 30 "$RDX" dump "$T/syn.evtx" -o "$T/full-dump.jsonl" 2>"$T/err"
rc=$?
checkx "full disk (fault hook): dump exit $rc (74), no file" '[ $rc = 74 ] && [ ! -e "$T/full-dump.jsonl" ]'
RDX_FAULT_WRITE_LIMIT=200 timeout 30 "$RDX" show "$RULES/proc_creation_win_whoami_recon.yml" --no-attack -o "$T/page.txt" 2>"$T/err"
rc=$?
checkx "full disk (fault hook): show exit $rc (74), no file" '[ $rc = 74 ] && [ ! -e "$T/page.txt" ]'
# ... with more files than threads: once the output fails, the files not yet
# started are never read, and the run must end rather than wait for them
mkdir -p "$T/files"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do cp "$EVENTS/sysmon.jsonl" "$T/files/$i.jsonl"; done
for cmd in "hunt -r $RULES" "search -k whoami"; do
    RDX_FAULT_WRITE_LIMIT=300 timeout 30 "$RDX" $cmd -q -j 2 -f jsonl "$T/files" -o "$T/many-out.jsonl" 2>"$T/err"
    rc=$?
    checkx "full disk (fault hook), 12 files on 2 threads: ${cmd%% *} ends with exit $rc (74, not a hang)" '[ $rc = 74 ]'
    RDX_FAULT_WRITE_LIMIT=300 timeout 30 "$RDX" $cmd -q -j 2 -f jsonl "$T/files" >/dev/full 2>"$T/err"
    rc=$?
    checkx "/dev/full as standard output, 12 files on 2 threads: ${cmd%% *} ends with exit $rc (74)" '[ $rc = 74 ]'
done
mkdir -p "$T/small"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$T/small" 2>/dev/null; then
    MNT="$T/small"
    awk '{ for (i = 0; i < 40; i++) print }' "$EVENTS/sysmon.jsonl" >"$T/many.jsonl"
    echo "the previous result" >"$T/small/out.jsonl"
    hunt -q -f jsonl -r "$RULES" "$T/many.jsonl" -o "$T/small/out.jsonl" 2>"$T/err"
    rc=$?
    check "full disk (64 KiB tmpfs): exit 74 (got $rc)" [ $rc = 74 ]
    check "full disk (64 KiB tmpfs): the file and the reason named" \
        grep -q "cannot write $T/small/out.jsonl: No space left on device" "$T/err"
    checkx "full disk (64 KiB tmpfs): the previous result intact, nothing else left" \
        '[ "$(cat "$T/small/out.jsonl")" = "the previous result" ] && [ "$(ls -A "$T/small")" = out.jsonl ]'
    hunt -q -f csv -r "$RULES" "$T/many.jsonl" >"$T/small/redirected.csv" 2>"$T/err"
    rc=$?
    checkx "full disk (64 KiB tmpfs): > file, exit $rc (74)" \
        '[ $rc = 74 ] && grep -q "cannot write standard output: No space left on device" "$T/err"'
    umount "$T/small" && MNT=
else
    skipped "full disk on a 64 KiB tmpfs: needs root and mount (the fault hook covered it)"
fi

# ---- catalog --------------------------------------------------------------------------

cp -r "$RULES" "$T/pack"
timeout 60 "$RDX" catalog -r "$T/pack" --no-attack -o "$T/site" -q
checkx "catalog: a manifest of its files" '[ -f "$T/site/.ruledex-catalog" ] && grep -q "^index.html$" "$T/site/.ruledex-catalog"'
mkdir "$T/site/.git" && echo ref >"$T/site/.git/HEAD" && echo example.org >"$T/site/CNAME" && echo mine >"$T/site/notes.txt"
rm "$T/pack/proc_creation_win_whoami_recon.yml"
pages=$(ls "$T/site/rules" | wc -l)
timeout 60 "$RDX" catalog -r "$T/pack" --no-attack -o "$T/site" -q
rc=$?
check "catalog: rebuilt over itself (exit $rc)" [ $rc = 0 ]
checkx "catalog: .git, CNAME and other files kept" '[ -f "$T/site/.git/HEAD" ] && [ -f "$T/site/CNAME" ] && [ -f "$T/site/notes.txt" ]'
check "catalog: the removed rule's page removed" [ "$(ls "$T/site/rules" | wc -l)" = $((pages - 1)) ]
check "catalog: no staging directory left" [ -z "$(ls -A "$T" "$T/site" | grep ruledex-tmp)" ]
echo mine >"$T/site/rules/1f6e2c1a-6b0d-4c51-9a47-3f0f2f2b9c01.html"
cp "$RULES/proc_creation_win_whoami_recon.yml" "$T/pack/"
timeout 60 "$RDX" catalog -r "$T/pack" --no-attack -o "$T/site" -q 2>"$T/err"
rc=$?
checkx "catalog: a file it did not write in the way is refused (exit $rc)" \
    '[ $rc = 2 ] && [ "$(cat "$T/site/rules/1f6e2c1a-6b0d-4c51-9a47-3f0f2f2b9c01.html")" = mine ]'
mkdir -p "$T/foreign" && echo keep >"$T/foreign/keep"
timeout 60 "$RDX" catalog -r "$T/pack" --no-attack -o "$T/foreign" -q 2>/dev/null
rc=$?
checkx "catalog: a non-empty directory that is not a catalog is refused (exit $rc)" '[ $rc = 2 ] && [ "$(ls "$T/foreign")" = keep ]'
timeout 60 "$RDX" catalog -r "sigma:$T/pack" --no-attack -o "$T/site2" -q
check "catalog: pages never show the builder's absolute paths" sh -c "! grep -rq '$T' '$T/site2'"

# ---- usage -----------------------------------------------------------------------------

for args in "--status bogus" "--status stable,bogus" "--color sometimes" "-l severe" "--from 2024-05-02 --to 2024-05-01"; do
    # shellcheck disable=SC2086
    hunt -r "$RULES" $args "$EVENTS" >/dev/null 2>&1
    rc=$?
    check "hunt $args: usage error (got $rc)" [ $rc = 2 ]
done
for cmd in "lint $RULES" "show x -r $RULES" "catalog -r $RULES -o $T/c"; do
    # shellcheck disable=SC2086
    timeout 30 "$RDX" $cmd --color sometimes >/dev/null 2>&1
    check "${cmd%% *} --color sometimes: usage error" [ $? = 2 ]
done
hunt -r "$RULES" -l critical --status deprecated "$EVENTS" >/dev/null 2>"$T/err"
rc=$?
checkx "a run that selects no rule is an error (exit $rc)" '[ $rc = 2 ] && grep -q "no rule selected" "$T/err"'
printf '{"a": 1}\n{"broken\n' >"$T/bad.jsonl"
hunt -q -r "$RULES" "$T/bad.jsonl" >/dev/null 2>"$T/err"
checkx "-q drops the summary, not the error messages" 'grep -q "bad.jsonl:2:[0-9]*: error" "$T/err" && ! grep -q "^events:" "$T/err"'
timeout 30 "$RDX" lint "$RULES" -q >/dev/null 2>"$T/err"
rc=$?
checkx "lint RULES -q: options after operands (exit $rc)" '[ $rc = 0 ] && [ ! -s "$T/err" ]'
check "show RULE -f md: options after operands" \
    sh -c "timeout 30 '$RDX' show '$RULES/proc_creation_win_whoami_recon.yml' --no-attack -f md | grep -q '^# '"
mkdir -p "$T/dup"
for t in A B; do
    sed "s/^title: .*/title: Twin $t/" "$RULES/proc_creation_win_whoami_recon.yml" >"$T/dup/$t.yml"
done
id=$(sed -n 's/^id: //p' "$RULES/proc_creation_win_whoami_recon.yml")
timeout 30 "$RDX" show "$id" -r "$T/dup" --no-attack >/dev/null 2>"$T/err"
rc=$?
checkx "show of an ambiguous id lists the candidates (exit $rc)" \
    '[ $rc = 2 ] && grep -q "names 2 rules" "$T/err" && grep -q "Twin A" "$T/err" && grep -q "Twin B" "$T/err"'

# ---- text ------------------------------------------------------------------------------

printf '%s\n' "$hostile" >"$T/hostile.jsonl"
esc=$(printf '\033')
bel=$(printf '\007')
for fmt in table csv; do
    hunt -q -f $fmt -r "$RULES" "$T/hostile.jsonl" >"$T/out"
    check "$fmt: no raw ESC or BEL from the event" sh -c "! grep -q '[$esc$bel]' '$T/out'"
    check "$fmt: no NUL, and the text after it kept" sh -c "[ \"\$(tr -d '\\000' <'$T/out' | wc -c)\" = \"\$(wc -c <'$T/out')\" ] && grep -q 'gone.0hidden' '$T/out'"
done
check "csv: the formula in the computer name neutralised" grep -q ",\"'=cmd|' /C calc'!A0\"," "$T/out"
mkdir -p "$T/evil-rules"
cp "$RULES/proc_creation_win_whoami_recon.yml" "$T/evil-rules/x${esc}]0;title${bel}.yml"
printf 'title: [broken\n' >"$T/evil-rules/b${esc}[2J.yml"
timeout 30 "$RDX" lint "$T/evil-rules" >"$T/out" 2>&1
check "lint: a hostile file name is shown escaped" sh -c "! grep -q '[$esc$bel]' '$T/out' && grep -q 'b.x1b\\[2J.yml' '$T/out'"
timeout 30 "$RDX" hunt -r "$T/evil-rules" "$T/ev" >"$T/out" 2>&1
check "hunt: hostile rule file names in messages shown escaped" sh -c "! grep -q '[$esc$bel]' '$T/out'"

echo "evidence: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
