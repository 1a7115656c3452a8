#!/usr/bin/env bash
# README quick start, command 2 (and what .ci/run calls): install what is missing, then build and run the
# whole test suite twice: in Release, and under AddressSanitizer + UndefinedBehaviorSanitizer (both with MPI,
# whose tests run mpirun on this machine). Also checks formatting (clang-format), that the benchmarks build,
# and that hedgesim still sweeps without MPI (a binary linked without it; -DHEDGESIM_MPI=OFF configures). The
# suite includes the teaching page's end-to-end tests (web/tests/, headless Chromium driven by Playwright
# against `hedgesim serve`).
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

echo "== configure without MPI (-DHEDGESIM_MPI=OFF)"
# The release build above already linked and tested a hedgesim without MPI (hedgesim_no_mpi: the same objects
# with the MPI runner compiled without MPI; tests NoMpi.SweepCli.*). This checks that the build files still
# configure that way.
cmake -S . -B build/no-mpi -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEDGESIM_MPI=OFF >/dev/null

echo "== fuzz: libFuzzer targets (tests/fuzz/), 15 s each, two at a time (docs/reliability.md)"
# -O0: a smoke run of 15 s needs no speed, and the build takes half the time of -O1's (scripts/fuzz.sh).
HEDGESIM_FUZZ_OPT=-O0 ./scripts/fuzz.sh 15
