#!/usr/bin/env bash
# Installs what the tests need (Debian 12 packages), builds everything in Release, runs each
# fuzz target for a bounded time (FUZZ_SECONDS, default 20), then the whole test suite
# (unit and integration tests against the real server binary) with CTest, and the benchmark
# suite in quick mode.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test

jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-20}

# Fuzz targets: clang with libFuzzer and AddressSanitizer, in a build of their own.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCUSTOS_FUZZ=ON -DCUSTOS_BUILD_TESTS=ON -DCUSTOS_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$jobs" --target fuzz_targets
for target in build-fuzz/tests/fuzz/*_fuzz; do
  name=$(basename "$target")
  corpus="build-fuzz/corpus/$name"
  mkdir -p "$corpus"
  seeds="tests/fuzz/corpus/${name%_fuzz}"
  echo "fuzz: $name for ${fuzz_seconds}s"
  "$target" -max_total_time="$fuzz_seconds" -max_len=4096 -print_final_stats=0 \
    "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) >"build-fuzz/$name.log" 2>&1 || {
      tail -50 "build-fuzz/$name.log"; echo "fuzz: $name FAILED"; exit 1; }
done

# The suite, in Release as it ships.
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCUSTOS_BUILD_TESTS=ON -DCUSTOS_BUILD_BENCH=ON >/dev/null
cmake --build build-test -j "$jobs"
ctest --test-dir build-test --output-on-failure -j "$jobs" --timeout 600
# Every benchmark scenario in quick mode (small fleets, the binaries just built; its figures
# mean nothing): the benchmark scripts and the simulator must keep working.
BUILD_DIR=build-test bench/suite.sh --quick
