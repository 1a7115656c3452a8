#!/usr/bin/env bash
# Disk full: what `hedgesim run` and `hedgesim sweep` do when the disk fills under them. A measurement for
# docs/reliability.md ("Disk full"), not a test: it needs root (to mount a tmpfs), so it is not registered with
# ctest. The promise checked: the failure is one line on stderr, exit code 2, and no partial output file is
# left (a sweep keeps its journal, by design, and resumes from it once there is room).
#
# It mounts a tmpfs of SIZE (default 2m) on a fresh directory under /tmp, and runs, each into it:
#   1a. run:            hedgesim run scenarios/veto-2019.toml -r 200 --out FULL/run  (160 MB of outputs)
#   1b. run:            the same with -r 3 (2.4 MB: trajectory.csv fits, attribution.csv does not)
#   1c. run:            -r 1 (which fits), then -r 3 into the same directory: what a failed run leaves next
#                       to an earlier run's files (meta.json's replicates against the runs in the CSV files)
#   2. sweep-journal:   the sweep of EXPERIMENT with all but JOURNAL_ROOM KiB of the tmpfs taken by a filler
#                       file, so that its journal cannot grow; then the filler is removed and the sweep
#                       resumed (--resume), and its outputs compared with a sweep run on an ordinary disk;
#   3. sweep-outputs:   the same sweep with OUTPUT_ROOM KiB free: room for its journal (172 KB for the default
#                       experiment) but not for its outputs (1.8 MB); then, with room again, --resume, and the
#                       same comparison.
# For each it prints the exit code, the number of lines on stderr and stdout, the first line, and what was
# left in the directory (names and sizes). The tmpfs is unmounted at the end, whatever happens.
#
# Builds nothing: build hedgesim first (cmake --preset release && cmake --build --preset release -j1).
#
# Usage (as root): bench/disk_full.sh [EXPERIMENT]
#   EXPERIMENT  default experiments/hedging-sobol-small.toml (relative to the project root, or absolute)
# Environment:
#   HEDGESIM=build/release/src/cli/hedgesim   the binary
#   SIZE=2m            the tmpfs's size
#   JOURNAL_ROOM=64    KiB left free for case 2 (less than the experiment's journal needs)
#   OUTPUT_ROOM=500    KiB left free for case 3 (more than its journal needs, less than its outputs)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
exp=${1:-experiments/hedging-sobol-small.toml}
case $exp in /*) ;; *) exp=$root/$exp ;; esac
bin=${HEDGESIM:-$root/build/release/src/cli/hedgesim}
size=${SIZE:-2m}
journal_room=${JOURNAL_ROOM:-64}
output_room=${OUTPUT_ROOM:-500}
if [[ $(id -u) != 0 ]]; then
  echo "disk_full: needs root to mount a tmpfs" >&2
  exit 2
fi
if [[ ! -x $bin ]]; then
  echo "disk_full: no hedgesim at $bin (build it, or set HEDGESIM)" >&2
  exit 2
fi
work=$(mktemp -d /tmp/rel-full.XXXXXX)
full=$work/full
mkdir "$full"
mount -t tmpfs -o size="$size" tmpfs "$full"
cleanup() {
  umount "$full" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
echo "disk_full: a tmpfs of $size on $full ($(df -k --output=size "$full" | tail -1 | tr -d ' ') KiB)"

# Leaves $1 KiB free on the tmpfs by writing a filler file.
fill_leaving() {
  rm -f "$full/filler"
  local free
  free=$(df -k --output=avail "$full" | tail -1 | tr -d ' ')
  if ((free > $1)); then
    dd if=/dev/zero of="$full/filler" bs=1k count=$((free - $1)) status=none
  fi
}

# Runs hedgesim with the arguments given and reports what it said and left in directory $1 (the first arg).
attempt() {
  local dir=$1 code=0
  shift
  "$bin" "$@" >"$work/out" 2>"$work/err" || code=$?
  echo "  exit $code; stderr $(wc -l <"$work/err") line(s), stdout $(wc -l <"$work/out") line(s)"
  if [[ -s $work/err ]]; then echo "  stderr: $(head -c 400 "$work/err")"; fi
  echo "  left in ${dir#"$full"/}/: $( (cd "$dir" 2>/dev/null && find . -type f -printf '%P (%s B) ') || echo 'no directory')"
  if [[ -d $dir ]] && find "$dir" -name '*.tmp-*' | grep -q .; then echo "  PARTIAL: a temporary file was left"; fi
  return 0
}

same_as_reference() {
  local bad=0 f
  for f in design.csv results.csv summary.csv indices.csv; do
    if [[ -e $work/ref/$f || -e $1/$f ]] && ! cmp -s "$work/ref/$f" "$1/$f"; then
      echo "  $f differs"
      bad=1
    fi
  done
  ((bad == 0)) && echo "  the resumed outputs are the same bytes as a sweep on an ordinary disk"
  return 0
}

echo "1a. run: hedgesim run scenarios/veto-2019.toml -r 200 --out FULL/run --quiet (about 160 MB of outputs)"
attempt "$full/run" run "$root/scenarios/veto-2019.toml" -r 200 --out "$full/run" --quiet
rm -rf "$full/run"
echo "1b. run: the same with -r 3 (about 2.4 MB: the first output fits, a later one does not)"
attempt "$full/run" run "$root/scenarios/veto-2019.toml" -r 3 --out "$full/run" --quiet
rm -rf "$full/run"

echo "1c. run: -r 1 (fits), then -r 3 into the same directory (the disk fills at attribution.csv)"
"$bin" run "$root/scenarios/veto-2019.toml" -r 1 --out "$full/run" --quiet >/dev/null
attempt "$full/run" run "$root/scenarios/veto-2019.toml" -r 3 --out "$full/run" --quiet
echo "  meta.json says \"replicates\": $(grep -o '"replicates": [0-9]*' "$full/run/meta.json" | grep -o '[0-9]*$');" \
  "trajectory.csv holds runs $(awk -F, 'NR > 1 { print $1 }' "$full/run/trajectory.csv" | sort -un | tr '\n' ' ')" \
  "and attribution.csv runs $(awk -F, 'NR > 1 { print $1 }' "$full/run/attribution.csv" | sort -un | tr '\n' ' ')"
rm -rf "$full/run"

echo "(reference: hedgesim sweep ${exp#"$root"/} on an ordinary disk, $work/ref)"
"$bin" sweep "$exp" --out "$work/ref" --threads 2 --quiet >/dev/null 2>&1

# The sweep with KIB KiB free, then resumed with room again: the same bytes as the reference.
sweep_then_resume() {
  fill_leaving "$1"
  attempt "$full/sweep" sweep "$exp" --out "$full/sweep" --threads 2 --quiet
  rm -f "$full/filler"
  echo "  with room again: --resume"
  attempt "$full/sweep" sweep "$exp" --out "$full/sweep" --threads 2 --quiet --resume
  same_as_reference "$full/sweep"
}

echo "2. sweep-journal: hedgesim sweep ${exp#"$root"/} --out FULL/sweep --threads 2 --quiet, $journal_room KiB free"
sweep_then_resume "$journal_room"
rm -rf "$full/sweep"

echo "3. sweep-outputs: the same sweep with $output_room KiB free (room for its journal, not for its outputs)"
sweep_then_resume "$output_room"
echo "disk_full: done; the tmpfs is unmounted on exit"
