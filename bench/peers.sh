#!/bin/sh
# bench/peers.sh — build the peer engines `make bench` compares ruledex with.
#
# Nothing here is part of ruledex or of CI: the peers are optional in the
# bench (a missing one shows as "not built" in the table). Everything lands
# in RDX_PEERS_DIR (default bench/peers/, git-ignored):
#
#   bin/evtx_dump   the evtx crate's dumper, `cargo install evtx@0.15.1`
#   bin/rsigma      rsigma from crates.io (skipped if one is on PATH already)
#   bin/hayabusa    Hayabusa v4.0.0 built from source, rules from hayabusa-rules
#   bin/chainsaw    Chainsaw v2.16.x built from source
#   src/...         the sources and cargo build trees
#
# Sources are git repositories. By default they are cloned from GitHub; on a
# machine without GitHub access point the variables at local clones (any
# directory `git clone` accepts):
#
#   HAYABUSA_GIT HAYABUSA_EVTX_GIT HAYABUSA_RULES_GIT CHAINSAW_GIT
#
# Version tricks (see ../shared/ORACLES.md): Hayabusa pins a hayabusa-evtx
# revision that may no longer exist — we use that repository's newest
# commit and build with `--ignore-rust-version` on the nightly toolchain
# (Hayabusa asks for rustc 1.97.1). Chainsaw patches three crates to forks
# that may be missing — we drop the patch and use their crates.io releases.
# Builds run under `nice -n 15` with at most two jobs: they take long on a
# small shared machine. Usage: sh bench/peers.sh [evtx|rsigma|hayabusa|chainsaw]...
# Peers are GPL/AGPL: we run them, we never copy from them.
set -eu
PEERS=${RDX_PEERS_DIR:-bench/peers}
mkdir -p "$PEERS/bin" "$PEERS/src"
PEERS=$(cd "$PEERS" && pwd)
GH=https://github.com
HAYABUSA_GIT=${HAYABUSA_GIT:-$GH/Yamato-Security/hayabusa}
HAYABUSA_EVTX_GIT=${HAYABUSA_EVTX_GIT:-$GH/Yamato-Security/hayabusa-evtx}
HAYABUSA_RULES_GIT=${HAYABUSA_RULES_GIT:-$GH/Yamato-Security/hayabusa-rules}
CHAINSAW_GIT=${CHAINSAW_GIT:-$GH/WithSecureLabs/chainsaw}
HAYABUSA_REF=${HAYABUSA_REF:-v4.0.0}
CHAINSAW_REF=${CHAINSAW_REF:-v2.16.4}
NICE="nice -n 15"
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}

say() { echo "peers: $*" >&2; }

# checkout URL DIR REF: a clone of URL at REF (or the default branch).
# Test data is left out (sparse checkout): some snapshots of these
# repositories lack their large test files, and the builds never need them.
checkout() {
    if [ ! -d "$2/.git" ]; then
        rm -rf "$2"
        git clone -q --no-checkout "$1" "$2"
        git -C "$2" sparse-checkout set --no-cone '/*' '!/tests/' '!/test_files/' '!/images/' '!/samples/'
    fi
    git -C "$2" checkout -q -f ${3:+"$3"} 2>/dev/null || export_tree "$2" "${3:-HEAD}"
}

# export_tree DIR REF: the files of REF without the test data, for a
# snapshot so thin that even a sparse checkout fails (git still wants the
# left-out blobs to build its index): git archive reads only what it writes.
export_tree() {
    say "sparse checkout of $1 failed; exporting $2 without its test data"
    git -C "$1" archive --format=tar "$2" -- . ':(exclude)tests' \
        ':(exclude)test_files' ':(exclude)images' ':(exclude)samples' |
        tar -x -C "$1"
}

build_evtx() {
    [ -x "$PEERS/bin/evtx_dump" ] && { say "evtx_dump already built"; return; }
    $NICE cargo install -q --root "$PEERS" evtx --version 0.15.1 || return 1
}

build_rsigma() {
    if command -v rsigma >/dev/null 2>&1; then
        say "rsigma on PATH: $(command -v rsigma)"; return
    fi
    [ -x "$PEERS/bin/rsigma" ] && return
    # rsigma 0.26 needs a newer rustc than stable here (ORACLES.md).
    $NICE cargo +nightly install -q --root "$PEERS" rsigma || return 1
}

build_hayabusa() {
    [ -x "$PEERS/bin/hayabusa" ] && { say "hayabusa already built"; return; }
    s=$PEERS/src
    checkout "$HAYABUSA_GIT" "$s/hayabusa" "$HAYABUSA_REF"
    checkout "$HAYABUSA_EVTX_GIT" "$s/hayabusa-evtx" ""
    checkout "$HAYABUSA_RULES_GIT" "$s/hayabusa-rules" ""
    # The git dependency becomes a path dependency on our clone.
    sed -i 's|^evtx = { git = "[^"]*" *, *features|evtx = { path = "../hayabusa-evtx", features|; s|, *rev = "[0-9a-f]*" *}| }|' \
        "$s/hayabusa/Cargo.toml"
    grep -q 'path = "../hayabusa-evtx"' "$s/hayabusa/Cargo.toml" ||
        { say "could not redirect hayabusa's evtx dependency"; return 1; }
    rm -rf "$s/hayabusa/rules"
    ln -s ../hayabusa-rules "$s/hayabusa/rules"
    (cd "$s/hayabusa" && $NICE cargo +nightly build -q --release --ignore-rust-version) || return 1
    # Hayabusa finds config/ and rules/ next to its binary or in the cwd:
    # the bench runs it from its source directory.
    ln -sf "$s/hayabusa/target/release/hayabusa" "$PEERS/bin/hayabusa"
}

build_chainsaw() {
    [ -x "$PEERS/bin/chainsaw" ] && { say "chainsaw already built"; return; }
    s=$PEERS/src
    checkout "$CHAINSAW_GIT" "$s/chainsaw" "$CHAINSAW_REF"
    # Drop [patch.crates-io] (forks of libesedb, mft, notatin).  The mft
    # fork returns a String where crates.io's mft 0.6.1 returns a PathBuf:
    # one call adapted so that it compiles (MFT parsing is not benchmarked).
    sed -i '/^\[patch\.crates-io\]/,$d' "$s/chainsaw/Cargo.toml"
    sed -i 's/let sanitized_path = path$/let sanitized_path = path.display()/' "$s/chainsaw/src/file/mft.rs"
    (cd "$s/chainsaw" && $NICE cargo build -q --release) || return 1
    ln -sf "$s/chainsaw/target/release/chainsaw" "$PEERS/bin/chainsaw"
}

[ $# -gt 0 ] || set -- evtx rsigma chainsaw hayabusa
status=0
for p in "$@"; do
    say "building $p"
    if "build_$p"; then say "$p: ok"; else say "$p: FAILED"; status=1; fi
done
exit $status
