#!/usr/bin/env bash
# README quick start, command 2 (and what .ci/run calls): install what is missing, then build and run the
# whole test suite twice: in Release, and under AddressSanitizer + UndefinedBehaviorSanitizer (both with MPI,
# whose tests run mpirun on this machine). Also checks formatting (clang-format), that the benchmarks build,
# and that hedgesim still builds and sweeps without MPI (-DHEDGESIM_MPI=OFF). The suite includes the teaching
# page's end-to-end tests (web/tests/, headless Chromium driven by Playwright against `hedgesim serve`).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/web-deps.sh

jobs=$(nproc)

echo "== clang-format check"
if command -v clang-format >/dev/null; then
  files=$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 2>/dev/null || true)
  [ -z "$files" ] || clang-format --dry-run -Werror $files
fi

for preset in release asan; do
  echo "== build ($preset)"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== test ($preset)"
  ctest --preset "$preset" -j "$jobs"
done

echo "== build and sweep tests without MPI (-DHEDGESIM_MPI=OFF)"
# -O1: this build checks that hedgesim compiles and sweeps without MPI, not its speed (and -O1 builds faster).
cmake -S . -B build/no-mpi -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  -DHEDGESIM_MPI=OFF -DHEDGESIM_BUILD_BENCH=OFF >/dev/null
cmake --build build/no-mpi -j "$jobs" --target hedgesim sweep_cli_test
ctest --test-dir build/no-mpi -R '^SweepCli\.' -j "$jobs" --output-on-failure

echo "== fuzz: libFuzzer targets (tests/fuzz/), 15 s each, two at a time (docs/reliability.md)"
./scripts/fuzz.sh 15
