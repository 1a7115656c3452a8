#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (-fsanitize=fuzzer,address,undefined; toml++
# header-only, so the parser is instrumented too) in build/fuzz, runs each target on its regression inputs,
# then fuzzes each for SECONDS (default 30) of wall-clock time from its seed corpus with its dictionary, two
# targets at once unless told otherwise (HEDGESIM_FUZZ_AT_ONCE). Any finding (a crash, a sanitizer report,
# an exception other than the documented input errors, a leak, a timeout, running out of memory) makes it
# exit 1 and print the reproducer's path. Stop a long run with
# SIGINT or SIGTERM (never SIGSTOP: libFuzzer would count the pause as the input's run time, a false timeout);
# it then prints each target's figures so far and exits 130.
#   scripts/fuzz.sh [SECONDS]        e.g. scripts/fuzz.sh 600 for a longer run
#   HEDGESIM_FUZZ_JOBS=1 scripts/fuzz.sh   one compile and one target at a time (default: nproc, at most 2)
#   HEDGESIM_FUZZ_AT_ONCE=all scripts/fuzz.sh 60   all targets at once, each for 60 s of wall-clock time,
#                                  sharing the cores (default: as many at once as HEDGESIM_FUZZ_JOBS)
#   HEDGESIM_FUZZ_TARGETS="journal branch" scripts/fuzz.sh   some targets only
#   HEDGESIM_FUZZ_RUNS=10000000 scripts/fuzz.sh   each target for that many executions instead of SECONDS
#   scripts/fuzz.sh --build-only   only the build (what the test command does while other tests run)
# New inputs that reach new coverage are kept in build/fuzz/corpus/<target>/, not in the tree (docs/reliability.md
# says how to add one to tests/fuzz/corpus/ or regressions/).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
[ "$seconds" = --build-only ] && seconds=0
jobs=${HEDGESIM_FUZZ_JOBS:-$(nproc)}
((jobs > 2)) && jobs=2
at_once=${HEDGESIM_FUZZ_AT_ONCE:-$jobs}
targets=(${HEDGESIM_FUZZ_TARGETS:-scenario model experiment journal branch})
[ "$at_once" = all ] && at_once=${#targets[@]}
[[ $at_once =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: HEDGESIM_FUZZ_AT_ONCE is '$at_once': a positive number or 'all'" >&2; exit 2; }
build=build/fuzz

command -v clang++ >/dev/null || { echo "fuzz: clang++ not found: run scripts/install-deps.sh" >&2; exit 1; }
echo "== fuzz: build (clang, $build)"
cmake -S tests/fuzz/libfuzzer -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" -j "$jobs"
[ "${1:-}" = --build-only ] && exit 0

# Each target makes its own scratch directory under TMPDIR (tests/fuzz/fuzz_support.hpp); they all go here.
scratch=$(mktemp -d /tmp/fuzz-run-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1

dict_of() { [ "$1" = branch ] && echo tests/fuzz/json.dict || echo tests/fuzz/toml.dict; }
# Inputs longer than the largest real file are not what these targets are about (the depth limits have
# their own regression inputs): scenarios and model files up to 24 KB, experiments 8 KB, journals and
# request bodies 4 KB.
max_len_of() {
  case $1 in scenario | model) echo 24576 ;; experiment) echo 8192 ;; *) echo 4096 ;; esac
}

echo "== fuzz: regression inputs"
cmake -DOUT="$build/generated" -P tests/fuzz/make_deep_inputs.cmake
for t in "${targets[@]}"; do
  dirs=(tests/fuzz/regressions/$t tests/fuzz/corpus/$t)
  [ -d "$build/generated/$t" ] && dirs+=("$build/generated/$t")
  files=$(find "${dirs[@]}" -type f | sort)
  [ -n "$files" ] || { echo "fuzz: no regression or seed inputs for $t" >&2; exit 1; }
  # Given files (not directories), libFuzzer runs each once, whole, and stops at the first finding.
  # shellcheck disable=SC2086
  if ! "$build/fuzz_$t" -rss_limit_mb=2048 $files >"$build/regressions-$t.log" 2>&1; then
    tail -n 40 "$build/regressions-$t.log" >&2
    echo "fuzz: FINDING in a regression input of $t; log: $build/regressions-$t.log" >&2
    exit 1
  fi
  echo "fuzz_$t: $(echo "$files" | wc -l) regression and seed inputs, no finding"
done

if [ -n "${HEDGESIM_FUZZ_RUNS:-}" ]; then
  limit=(-runs="$HEDGESIM_FUZZ_RUNS")
  echo "== fuzz: ${HEDGESIM_FUZZ_RUNS} executions per target, $at_once at once"
else
  limit=(-max_total_time="$seconds")
  echo "== fuzz: ${seconds} s per target, $at_once at once on $(nproc) cores"
fi
run_target() {
  local t=$1
  mkdir -p "$build/corpus/$t" "$build/findings/$t"
  "$build/fuzz_$t" "${limit[@]}" -dict="$(dict_of "$t")" -max_len="$(max_len_of "$t")" \
    -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/findings/$t/" \
    "$build/corpus/$t" tests/fuzz/corpus/$t tests/fuzz/regressions/$t >"$build/fuzz-$t.log" 2>&1
}
summary() {
  local t=$1 log=$build/fuzz-$1.log
  local runs rate line
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  line=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' || true)
  echo "fuzz_$t: ${runs:-?} runs, ${rate:-?} exec/s, $line"
}
declare -A pid_of
failed=0
interrupted=0
finish() {  # waits for target $1 and reports it
  local t=$1 status=0
  wait "${pid_of[$t]}" || status=$?
  if ((status == 0)); then
    summary "$t"
  elif ((status == 72)); then  # libFuzzer's exit code when SIGINT or SIGTERM stopped it: not a finding
    interrupted=1
    summary "$t"
    echo "fuzz_$t: interrupted (SIGINT or SIGTERM) before its limit, no finding"
  else
    failed=1
    tail -n 60 "$build/fuzz-$t.log" >&2
    echo "fuzz: FINDING in $t; reproducer: $(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$build/fuzz-$t.log" | tail -n 1)" >&2
    echo "fuzz: log: $build/fuzz-$t.log; replay: $build/fuzz_$t REPRODUCER" >&2
  fi
}
running=()
for t in "${targets[@]}"; do
  if ((${#running[@]} >= at_once)); then
    finish "${running[0]}"
    running=("${running[@]:1}")
  fi
  run_target "$t" &
  pid_of[$t]=$!
  running+=("$t")
done
for t in "${running[@]}"; do finish "$t"; done
((failed)) && exit 1
((interrupted)) && exit 130  # stopped by the user: no finding, but not the run that was asked for
exit 0
