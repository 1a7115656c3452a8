#!/usr/bin/env bash
# Side-by-side speed comparison, in one go on one machine: the shared reference kernel (variants A, B, C, one
# thread) and hedgesim's engine benchmarks (hedgesim_bench, selected by a Google Benchmark filter). Prints one
# table of million agent-steps per second per core, each as a ratio to reference A. Google Benchmark rates of
# a benchmark named ".../threads:T" are divided by T. (The NumPy twin of the first model was retired with
# it; docs/performance.md says why.)
# Only ratios measured in the same session carry over to another machine (docs/performance.md).
#
# Builds nothing: build hedgesim_bench and reference_kernel first (cmake --preset release; cmake --build
# --preset release --target hedgesim_bench reference_kernel).
#
# Usage: bench/side_by_side.sh [BUILD_DIR] [FILTER]
#   BUILD_DIR  default build/release (relative to the project root, or absolute)
#   FILTER     --benchmark_filter for hedgesim_bench, default 'BM_Batch'
# Environment:
#   REF_RUNS=40000        runs of the reference kernel (model mode, R = 1024, 360 steps each)
#   BENCH_ARGS=""         extra arguments for hedgesim_bench, e.g. "--benchmark_min_time=0.5"
#   PYTHON                a python3 for the summary table (default: python3)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build/release}
case $build in /*) ;; *) build=$root/$build ;; esac
filter=${2:-BM_Batch}
ref_runs=${REF_RUNS:-40000}
PYTHON=${PYTHON:-python3}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "side_by_side: no python3 for the summary table (apt-get install python3, or set PYTHON)" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ref=$build/bench/reference_kernel
if [ -x "$ref" ]; then
  echo "side_by_side: reference kernel, OMP_NUM_THREADS=1, $ref_runs runs ..." >&2
  OMP_NUM_THREADS=1 "$ref" model "$ref_runs" 1024 0 | tee "$tmp/reference.txt" >&2
else
  echo "side_by_side: $ref not found (needs ../shared/bench/reference_kernel.cpp, Random123, OpenMP)" >&2
  : >"$tmp/reference.txt"
fi

bench=$build/bench/hedgesim_bench
if [ -x "$bench" ]; then
  echo "side_by_side: hedgesim_bench --benchmark_filter=$filter ..." >&2
  # shellcheck disable=SC2086  # BENCH_ARGS is a list of words
  "$bench" --benchmark_filter="$filter" --benchmark_format=json ${BENCH_ARGS:-} >"$tmp/hedgesim.json"
else
  echo "side_by_side: $bench not found (build the target hedgesim_bench)" >&2
  echo '{"benchmarks": []}' >"$tmp/hedgesim.json"
fi

"$PYTHON" - "$tmp" "$build" "$filter" <<'EOF'
import json, re, sys
from pathlib import Path

tmp, build, flt = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
rows = []  # (group, label, M agent-steps/s per core)

for line in (tmp / "reference.txt").read_text().splitlines():
    m = re.match(r"^([ABC]) (.*?)\s+thr=(\d+) runs=\d+:.*?([\d.]+) M agent-steps/s", line)
    if m:
        per_core = float(m.group(4)) / int(m.group(3))
        rows.append(("reference", f"reference {m.group(1)} {m.group(2)}", per_core))

doc = json.loads((tmp / "hedgesim.json").read_text())
context = doc.get("context", {})
benchmarks = [b for b in doc.get("benchmarks", []) if "agent_steps_per_s" in b]
if any(b.get("run_type") == "aggregate" for b in benchmarks):  # with --benchmark_repetitions: the medians
    benchmarks = [b for b in benchmarks if b.get("aggregate_name") == "median"]
for b in benchmarks:
    t = re.search(r"threads:(\d+)", b["name"])
    threads = int(t.group(1)) if t else int(b.get("threads", 1))
    label = f"hedgesim {b['name']}" + (f" (total / {threads})" if threads > 1 else "")
    rows.append(("hedgesim", label, b["agent_steps_per_s"] / 1e6 / threads))

ref_a = next((v for g, l, v in rows if l.startswith("reference A")), None)
width = max(len(l) for _, l, _ in rows)
cpu = context.get("cpu_model") or next((ln.split(":", 1)[1].strip() for ln in
                                        open("/proc/cpuinfo") if ln.startswith("model name")), "?")
print()
print(f"Side by side on {cpu}, {context.get('date', '')}")
print(f"build {build}; hedgesim filter '{flt}'")
print(f"{'':{width}}  {'M agent-steps/s':>15}  {'÷ ref. A':>8}")
print(f"{'':{width}}  {'per core':>15}")
for group, label, v in rows:
    ra = f"{v / ref_a:8.2f}" if ref_a else f"{'n/a':>8}"
    print(f"{label:{width}}  {v:15.2f}  {ra}".rstrip())
if not any(g == "hedgesim" for g, _, _ in rows):
    print(f"(no hedgesim benchmark matched '{flt}')")
print("One agent-step = one agent's update in one time step, all agents counted; reference: its 9-agent toy")
print("model (360 steps); hedgesim: the scenario's agents x steps. Ratios, not absolute figures,")
print("carry over between machines (docs/performance.md).")
EOF
