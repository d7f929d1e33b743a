#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan) in build-fuzz/ (or $HUNCH_FUZZ_BUILD)
# and fuzzes each one for SECONDS (default 60) from its committed seed corpus in
# tests/fuzz/corpus/NAME/. Fails on the first crash, leak, hang or sanitizer report; the input that
# caused it is left in build-fuzz/artifacts/. Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
# New inputs found while fuzzing go to build-fuzz/corpus/NAME/, never into the repository; copy a
# crash's input to tests/fuzz/corpus/NAME/ as a regression seed once it is fixed.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
build=${HUNCH_FUZZ_BUILD:-build-fuzz}
# HUNCH_FUZZ_BUILD names a tree configured elsewhere with -DHUNCH_FUZZ=ON (CI reuses build-asan/ of
# tests/sanitize.sh): it is built as it is, not reconfigured.
if [ -z "${HUNCH_FUZZ_BUILD:-}" ]; then
  cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DHUNCH_FUZZ=ON -DHUNCH_BUILD_TESTS=OFF >/dev/null
elif ! grep -qx 'HUNCH_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "HUNCH_FUZZ_BUILD=$build is not a tree configured with -DHUNCH_FUZZ=ON" >&2
  exit 2
fi
cmake --build "$build" -j"$(nproc)" --target hunch_fuzz >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in tests/fuzz/*_fuzz.cc; do targets+=("$(basename "$source" _fuzz.cc)"); done
fi
mkdir -p "$build/artifacts"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:allocator_may_return_null=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for name in "${targets[@]}"; do
  mkdir -p "$build/corpus/$name" "tests/fuzz/corpus/$name"
  echo "fuzzing $name for ${seconds}s"
  # -timeout: an input that takes over 10 s is a hang; -rss_limit_mb bounds memory per input.
  if ! "$build/tests/fuzz/${name}_fuzz" "$build/corpus/$name" "tests/fuzz/corpus/$name" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$build/artifacts/${name}-" -print_final_stats=1 \
      >"$build/$name.log" 2>&1; then
    tail -n 60 "$build/$name.log"
    echo "FAILED: $name (input in $build/artifacts/)" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^Done ' "$build/$name.log" | tr '\n' ' '
  echo
done
echo "fuzzing passed: ${targets[*]}"
