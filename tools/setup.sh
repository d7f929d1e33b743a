#!/usr/bin/env bash
# Installs hunch's build and test dependencies (Debian 12 packages only) and builds it in ./build.
# Run as root on a fresh machine. Re-running is cheap: apt-get skips what is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
packages=(
  build-essential cmake pkg-config            # toolchain
  libyaml-cpp-dev libre2-dev libfmt-dev       # rule files, regexes, formatting
  libcli11-dev nlohmann-json3-dev             # command line, JSON
  zlib1g-dev nettle-dev libsqlite3-dev        # gzip input, SHA-256, the SQLite log sink
  catch2                                      # unit tests
  libpq-dev postgresql                        # hunch eval --db, the SQL parity tests' server
  python3 python3-numpy python3-sklearn python3-jsonschema  # oracles and checks in the tests
  pybind11-dev python3-dev python3-pybind11 python3-pytest python3-pandas  # the Python module, its tests
  libcpp-httplib-dev wrk curl                 # hunch serve (HTTP server), its benchmark, the tutorial
  chromium fonts-dejavu-core                  # the browser test of the HTML reports
  python3-scipy                               # compare oracle (McNemar), bench/compare.sh
  clang-14 libfuzzer-14-dev libclang-rt-14-dev  # fuzz targets (tests/fuzz/run.sh), ASan/UBSan
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
