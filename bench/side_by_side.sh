#!/usr/bin/env bash
# Side-by-side speed comparison, in one go on one machine: the shared reference kernel (variants A, B, C, one
# thread), hedgesim's engine benchmarks (hedgesim_bench, selected by a Google Benchmark filter) and the NumPy
# re-implementation of the model (bench/numpy_model.py, batched over replicates, one thread; once filling
# every batch's trajectory as hedgesim's run() does, once stepping only). Prints one table of million
# agent-steps per second per core, each as a ratio to reference A, and hedgesim / NumPy. Google Benchmark
# rates of a benchmark named ".../threads:T" are divided by T.
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
#   NUMPY_SCENARIO=scenarios/veto-2019.toml   NUMPY_REPLICATES=1024   NUMPY_SECONDS=3
#   PYTHON                a python3 with NumPy (default: python3 if it has NumPy, else /usr/bin/python3)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build/release}
case $build in /*) ;; *) build=$root/$build ;; esac
filter=${2:-BM_Batch}
ref_runs=${REF_RUNS:-40000}
numpy_scenario=${NUMPY_SCENARIO:-$root/scenarios/veto-2019.toml}
numpy_replicates=${NUMPY_REPLICATES:-1024}
numpy_seconds=${NUMPY_SECONDS:-3}

if [ -z "${PYTHON:-}" ]; then
  for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import numpy, tomllib' >/dev/null 2>&1; then
      PYTHON=$py
      break
    fi
  done
fi
if [ -z "${PYTHON:-}" ]; then
  echo "side_by_side: no python3 with NumPy and tomllib (apt-get install python3-numpy, or set PYTHON)" >&2
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

echo "side_by_side: NumPy model, $numpy_replicates replicates, ${numpy_seconds} s ..." >&2
"$PYTHON" "$root/bench/numpy_model.py" --scenario "$numpy_scenario" --replicates "$numpy_replicates" \
  --seconds "$numpy_seconds" --json >"$tmp/numpy.json"
"$PYTHON" "$root/bench/numpy_model.py" --scenario "$numpy_scenario" --replicates "$numpy_replicates" \
  --seconds "$numpy_seconds" --no-trajectory --json >"$tmp/numpy-stepping.json"

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

numpy_rates = []
for f, what in (("numpy.json", "trajectory kept"), ("numpy-stepping.json", "stepping only")):
    npy = json.loads((tmp / f).read_text())
    rows.append(("numpy", f"NumPy batched R={npy['replicates']}, {what}", npy["agent_steps_per_s"] / 1e6))
    numpy_rates.append(npy["agent_steps_per_s"] / 1e6)

ref_a = next((v for g, l, v in rows if l.startswith("reference A")), None)
width = max(len(l) for _, l, _ in rows)
cpu = context.get("cpu_model") or next((ln.split(":", 1)[1].strip() for ln in
                                        open("/proc/cpuinfo") if ln.startswith("model name")), "?")
print()
print(f"Side by side on {cpu}, {context.get('date', '')}")
print(f"build {build}; hedgesim filter '{flt}'; NumPy {npy['numpy']} on {npy['scenario']}")
h = "hedgesim ÷ NumPy"
print(f"{'':{width}}  {'M agent-steps/s':>15}  {'÷ ref. A':>8}  {h:>16}  {h:>16}")
print(f"{'':{width}}  {'per core':>15}  {'':>8}  {'(trajectory kept)':>16}  {'(stepping only)':>16}")
for group, label, v in rows:
    ra = f"{v / ref_a:8.2f}" if ref_a else f"{'n/a':>8}"
    hn = f"{v / numpy_rates[0]:16.2f}  {v / numpy_rates[1]:16.2f}" if group == "hedgesim" else ""
    print(f"{label:{width}}  {v:15.2f}  {ra}  {hn}".rstrip())
if not any(g == "hedgesim" for g, _, _ in rows):
    print(f"(no hedgesim benchmark matched '{flt}')")
print("One agent-step = one agent's update in one time step, all agents counted; reference: its 9-agent toy")
print("model (360 steps); hedgesim and NumPy: the scenario's 9 agents x steps. Ratios, not absolute figures,")
print("carry over between machines (docs/performance.md).")
EOF
