#!/usr/bin/env bash
# Builds build-asan/ with clang-14, ASan and UBSan (the libraries, the CLI, the tests, the example
# and the libFuzzer targets, which `HUNCH_FUZZ_BUILD=build-asan tests/fuzz/run.sh` then reuses)
# and runs the whole ctest suite in it with leak checking on and every sanitizer report fatal.
# Usage: tests/sanitize.sh [CTEST_ARGS...]   (e.g. -R serve; the build dir is $HUNCH_ASAN_BUILD)
# Every report of every process, including the hunch started by a Python test or killed by one,
# is written to build-asan/sanitizer-reports/ and fails the run even if its test passed.
# Not run here: python_module, because an ASan-built extension cannot be loaded by Debian's
# uninstrumented python3 (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${HUNCH_ASAN_BUILD:-build-asan}
# -O1 and line tables: a fifth less compile time than -O2 -g, and reports still name file:line.
# No -DNDEBUG, so the library headers' own assertions (nlohmann::json) are on as well.
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" -DHUNCH_FUZZ=ON \
  -DHUNCH_BUILD_TESTS=ON -DHUNCH_BUILD_PYTHON=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"
reports="$PWD/$build/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
# UBSan is fatal at compile time too (-fno-sanitize-recover=all, HUNCH_FUZZ in CMakeLists.txt).
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:check_initialization_order=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
status=0
ctest --test-dir "$build" -j"$(nproc)" --output-on-failure "$@" || status=$?
if compgen -G "$reports/*" >/dev/null; then
  for report in "$reports"/*; do
    echo "== $report"
    cat "$report"
  done
  echo "FAILED: sanitizer reports above (from $reports)" >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then
  exit "$status"
fi
echo "sanitized suite passed: no ASan, UBSan or leak report"
