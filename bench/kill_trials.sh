#!/usr/bin/env bash
# Kill trials: how often does a sweep killed with SIGKILL at a random moment, then finished with --resume,
# end with the same bytes as an uninterrupted sweep? A measurement for docs/reliability.md ("Journals and
# kills"), not a test: it is not registered with ctest, and it prints figures rather than passing or failing
# (its exit code is 1 if any trial failed, so it can still be scripted).
#
# What it does:
#   1. runs the experiment once uninterrupted with --threads 1 (the reference) and once with the killed
#      sweeps' thread count, timing the latter (T) and checking that both give the same bytes;
#   2. N times: starts `hedgesim sweep EXPERIMENT --out DIR --threads KILL_THREADS --quiet`, sleeps a
#      uniformly random time in [0, T), sends SIGKILL, and notes what the kill left in DIR (nothing, the
#      journal and its size, which outputs, any *.tmp-* file). Then it does what a user would: runs the same
#      command with --resume (--threads RESUME_THREADS); if that answers "there is nothing to resume" (the
#      kill came before the journal existed, or after its removal), it runs the command without --resume. A sweep that had already
#      finished when the signal was due is counted apart and only compared;
#   3. compares every output of the trial with the reference: design.csv, results.csv, summary.csv,
#      indices.csv (if the design has one) byte for byte, meta.json without its command_line line, and the
#      list of file names (no journal, no temporary left).
# It prints one line per trial and a summary: trials, kills that landed mid-sweep, failures, time.
#
# Builds nothing: build hedgesim first (cmake --preset release && cmake --build --preset release -j1).
#
# Usage: bench/kill_trials.sh [N] [EXPERIMENT]
#   N           number of kills, default 30
#   EXPERIMENT  default experiments/hedging-sobol-small.toml (relative to the project root, or absolute)
# Environment:
#   HEDGESIM=build/release/src/cli/hedgesim   the binary
#   KILL_THREADS=2     --threads of the sweeps that are killed
#   RESUME_THREADS=1   --threads of the resumes (and of the reference)
#   PHASE=any          when to kill: 'any' (uniform in [0, T) from the start), or 'outputs': wait until the
#                      first output file (or its temporary) appears, then kill at a uniform random time in
#                      [0, OUTPUT_SPAN) after that, to aim at the writing of the outputs and the journal's removal
#   OUTPUT_SPAN=0.15   seconds, for PHASE=outputs
#   WORK=/tmp/rel-kill.XXXXXX   where the trials' directories go (removed at the end unless KEEP=1, or when
#                               a trial failed: a failed trial's directory is kept and named)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-30}
exp=${2:-experiments/hedging-sobol-small.toml}
case $exp in /*) ;; *) exp=$root/$exp ;; esac
bin=${HEDGESIM:-$root/build/release/src/cli/hedgesim}
kill_threads=${KILL_THREADS:-2}
resume_threads=${RESUME_THREADS:-1}
phase=${PHASE:-any}
output_span=${OUTPUT_SPAN:-0.15}
if [[ ! -x $bin ]]; then
  echo "kill_trials: no hedgesim at $bin (build it, or set HEDGESIM)" >&2
  exit 2
fi
work=${WORK:-$(mktemp -d /tmp/rel-kill.XXXXXX)}
mkdir -p "$work"
failed=0
cleanup() { if [[ ${KEEP:-0} != 1 && $failed == 0 ]]; then rm -rf "$work"; fi; }
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# Compares the outputs of directory $2 with the reference $1; prints what differs, returns 1 if anything does.
same_outputs() {
  local a=$1 b=$2 bad=0 f
  for f in design.csv results.csv summary.csv indices.csv; do
    if [[ -e $a/$f || -e $b/$f ]] && ! cmp -s "$a/$f" "$b/$f"; then
      echo "    $f differs"
      bad=1
    fi
  done
  if ! cmp -s <(grep -v '"command_line"' "$a/meta.json") <(grep -v '"command_line"' "$b/meta.json" 2>/dev/null); then
    echo "    meta.json differs (command_line aside)"
    bad=1
  fi
  if [[ $(ls -A "$a") != $(ls -A "$b") ]]; then
    echo "    files differ: $(ls -A "$b" | tr '\n' ' ')"
    bad=1
  fi
  return $bad
}

# What a kill left in directory $1, in a few words.
left_behind() {
  local d=$1 what=() f
  if [[ ! -d $d ]]; then echo "no directory"; return; fi
  if [[ -e $d/journal.hsj ]]; then what+=("journal $(stat -c %s "$d/journal.hsj") B"); fi
  for f in design.csv results.csv summary.csv indices.csv meta.json; do
    [[ -e $d/$f ]] && what+=("$f")
  done
  for f in "$d"/*.tmp-*; do
    [[ -e $f ]] && what+=("$(basename "$f")")
  done
  if ((${#what[@]} == 0)); then echo "empty directory"; else (IFS=,; echo "${what[*]}"); fi
}

started=$(now)
echo "kill_trials: $n SIGKILLs of: hedgesim sweep ${exp#"$root"/} --threads $kill_threads --quiet"
echo "  binary $bin ($("$bin" --version 2>/dev/null | head -1 || true))"
"$bin" sweep "$exp" --out "$work/reference" --threads "$resume_threads" --quiet >"$work/reference.log" 2>&1
t0=$(now)
"$bin" sweep "$exp" --out "$work/timed" --threads "$kill_threads" --quiet >"$work/timed.log" 2>&1
span=$(elapsed "$t0")
if ! same_outputs "$work/reference" "$work/timed"; then
  echo "kill_trials: --threads $kill_threads and --threads $resume_threads differ before any kill" >&2
  failed=1
  exit 1
fi
if [[ $phase == outputs ]]; then
  echo "  an uninterrupted sweep takes $span s with --threads $kill_threads; kills at uniform random times in" \
    "[0, $output_span) s after its first output (design.csv or its temporary) appears"
else
  echo "  an uninterrupted sweep takes $span s with --threads $kill_threads; kills at uniform random times in [0, $span) s"
fi

landed=0 finished_first=0 fresh_starts=0 failures=0 before_journal=0 computing=0 writing=0 after_journal=0
for ((i = 1; i <= n; i++)); do
  out=$work/trial-$i
  if [[ $phase == outputs ]]; then window=$output_span; else window=$span; fi
  delay=$(awk -v s="$window" -v r="$SRANDOM" 'BEGIN { printf "%.3f", s * (r % 1000000) / 1000000 }')
  "$bin" sweep "$exp" --out "$out" --threads "$kill_threads" --quiet >"$work/trial-$i.log" 2>&1 &
  pid=$!
  if [[ $phase == outputs ]]; then  # until design.csv (the first output) or its temporary appears
    while kill -0 "$pid" 2>/dev/null && ! compgen -G "$out/design.csv*" >/dev/null; do sleep 0.001; done
  fi
  sleep "$delay"
  if kill -KILL "$pid" 2>/dev/null; then sent=1; else sent=0; fi
  status=0
  { wait "$pid"; } 2>/dev/null || status=$?  # (no "Killed" notice from the shell)
  left=$(left_behind "$out")
  how="" report=""
  if ((status == 137)); then
    landed=$((landed + 1))
    case $left in
      "no directory" | "empty directory") before_journal=$((before_journal + 1)) ;;
      journal*[a-z].csv* | journal*meta.json* | journal*tmp-*) writing=$((writing + 1)) ;;
      journal*) computing=$((computing + 1)) ;;
      *) after_journal=$((after_journal + 1)) ;;  # the outputs complete, the journal removed: before exit
    esac
    how="resumed"
    if ! "$bin" sweep "$exp" --out "$out" --threads "$resume_threads" --resume --quiet >"$work/resume-$i.log" 2>&1; then
      if grep -q "there is nothing to resume" "$work/resume-$i.log"; then
        how="started again (no journal: not yet, or no longer)"
        fresh_starts=$((fresh_starts + 1))
        "$bin" sweep "$exp" --out "$out" --threads "$resume_threads" --quiet >"$work/resume-$i.log" 2>&1 ||
          how="FAILED to start again: $(head -1 "$work/resume-$i.log")"
      else
        how="FAILED to resume: $(head -1 "$work/resume-$i.log")"
      fi
    fi
  elif ((status == 0)); then
    finished_first=$((finished_first + 1))
    how="had finished before the kill (signal sent: $sent)"
  else
    how="FAILED: the sweep exited $status before the kill: $(head -1 "$work/trial-$i.log")"
  fi
  if [[ $how == FAILED* ]] || ! report=$(same_outputs "$work/reference" "$out"); then
    failures=$((failures + 1))
    failed=1
    printf '  %3d  kill at %6.3f s  left: %-45s  %s  -> DIFFERENT BYTES (kept in %s)\n%s\n' \
      "$i" "$delay" "$left" "$how" "$out" "${report:-}"
  else
    printf '  %3d  kill at %6.3f s  left: %-45s  %s  -> same bytes\n' "$i" "$delay" "$left" "$how"
    [[ ${KEEP:-0} == 1 ]] || rm -rf "$out"
  fi
done

echo "kill_trials: $n trials; $landed kills landed mid-sweep: $before_journal before the journal existed," \
  "$computing while chunks were computed, $writing while the outputs were written, $after_journal after the" \
  "journal's removal but before the process ended ($fresh_starts found no journal, so were started again" \
  "without --resume); $finished_first sweeps had finished first (exit 0: the signal, if sent, reached a" \
  "process that had already ended); failures: $failures; $(elapsed "$started") s in all"
((failures == 0))
