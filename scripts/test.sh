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
# Each phase's start, with the seconds since the script began: where the time of the suite goes.
phase() { echo "== $* [$(date +%T), ${SECONDS} s]"; }

phase "clang-format check"
if command -v clang-format >/dev/null; then
  files=$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 2>/dev/null || true)
  [ -z "$files" ] || clang-format --dry-run -Werror $files
fi

# The next build runs while the tests of the one before do, at the lowest priority (nice 19): the tests
# leave part of the cores idle (they wait on subprocesses, sockets, kills), the build takes only that part,
# and the tests keep their speed. Its output goes to a log, shown when it is waited for.
background_pid=
trap '[ -z "$background_pid" ] || kill -- -"$background_pid" 2>/dev/null || true' EXIT
in_background() { # LOG COMMAND...: starts COMMAND (a function or a program) at nice 19, in its own process group
  local log=$1
  shift
  mkdir -p "$(dirname "$log")"
  set -m
  (renice -n 19 -p "$BASHPID" >/dev/null && "$@") >"$log" 2>&1 &
  background_pid=$!
  set +m
}
wait_background() { # LOG WHAT: waits for the background command; shows its log's tail, or all of it on failure
  local log=$1 what=$2
  if ! wait "$background_pid"; then
    cat "$log" >&2
    echo "test.sh: $what failed (log: $log)" >&2
    exit 1
  fi
  background_pid=
  tail -n 2 "$log"
}
build_preset() { cmake --preset "$1" >/dev/null && cmake --build --preset "$1" -j "$jobs"; }

phase "build (release)"
build_preset release
in_background build/asan-build.log build_preset asan
phase "test (release); meanwhile, the asan build at nice 19"
ctest --preset release -j "$jobs"
phase "build (asan), finishing"
wait_background build/asan-build.log "the asan build"
in_background build/fuzz-build.log ./scripts/fuzz.sh --build-only
phase "test (asan); meanwhile, the fuzz targets' build at nice 19"
ctest --preset asan -j "$jobs"

phase "configure without MPI (-DHEDGESIM_MPI=OFF)"
# The release build above already linked and tested a hedgesim without MPI (hedgesim_no_mpi: the same objects
# with the MPI runner compiled without MPI; tests NoMpi.SweepCli.*). This checks that the build files still
# configure that way.
cmake -S . -B build/no-mpi -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEDGESIM_MPI=OFF >/dev/null

phase "fuzz: libFuzzer targets (tests/fuzz/), a minute each, all at once (docs/reliability.md)"
wait_background build/fuzz-build.log "the fuzz targets' build"
# All five at once for 60 s rather than two at a time for longer: each target fuzzes for a minute of
# wall-clock time on its share of the cores, and the step takes one minute, not three.
HEDGESIM_FUZZ_AT_ONCE=all ./scripts/fuzz.sh 60
phase "done"
