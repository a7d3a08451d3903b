#!/bin/sh
# Installs what ruledex needs to build and test on Debian/Ubuntu.
#   build:  a C11 compiler, make, pkg-config, libfyaml (YAML), PCRE2 (regex),
#           vectorscan (multi-pattern matching), libdeflate (EVTX checksums)
#   tests:  zlib (a second CRC-32 for the tests' EVTX writers),
#           clang (a second compiler; libFuzzer and sanitizers), python3,
#           chromium and nodejs (the catalog site in a browser, tests/browser),
#           npm (the KQL oracle's Kusto parser, make oracle),
#           python3-dev, python3-venv and pytest (the Python bindings)
#   stream: librdkafka-dev (`ruledex stream`; optional: without it the command
#           says so); kcat, maven and a Java runtime (tests/kafka: a real
#           Kafka broker from Maven Central)
#   bench:  GNU time (make bench: CPU time and peak RSS of each run)
# Runs apt-get directly as root, through sudo otherwise.
set -eu
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
fi
PKGS="build-essential pkg-config libfyaml-dev libpcre2-dev libvectorscan-dev libdeflate-dev zlib1g-dev
      clang libclang-rt-dev chromium nodejs python3 python3-dev python3-venv python3-pytest
      librdkafka-dev kcat maven default-jre-headless time"
# libclang-rt-dev is called libclang-rt-14-dev on Debian 12.
if ! apt-cache show libclang-rt-dev >/dev/null 2>&1; then
    PKGS=$(echo "$PKGS" | sed 's/libclang-rt-dev/libclang-rt-14-dev/')
fi
# npm installs Microsoft's Kusto parser for the KQL oracle (make oracle);
# NodeSource's nodejs ships it, Debian's does not.
if ! command -v npm >/dev/null 2>&1; then
    PKGS="$PKGS npm"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $PKGS >/dev/null
echo "ruledex: build dependencies installed"
