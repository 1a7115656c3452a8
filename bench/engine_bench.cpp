// Engine throughput benchmarks (Google Benchmark) on scenarios/veto-2019.toml.
//
// What is measured: the time of whole runs of the compiled scenario (the model is loaded and compiled once,
// outside the timed loop), reported as the counter `agent_steps_per_s` = runs x steps x n_agents / time,
// where one agent-step is one agent's update in one time step, counting every agent (hedgers, western
// patrons and the rival). Each run also fills its full trajectory, as `run` always does.
//
//   BM_SingleRunWithAttribution        one run with attribution recording (what `hedgesim run` does per run)
//   BM_BatchNoAttribution/N            N runs (N = 64, 1024) without attribution, `run` in a loop, one thread
//   BM_EnsembleThreads/threads         run_ensemble with 1024 replicates, attribution off, 1 and 2 threads
//                                      (wall-clock time; divide the rate by the thread count for per core)
//
// The figures, and how they compare with the shared reference kernel, are in docs/performance.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "experiment/ensemble.hpp"
#include "model/compiled_model.hpp"

namespace {

using hedgesim::CompiledModel;

constexpr std::uint64_t kSeed = 2019;

const CompiledModel& model() {
  static const CompiledModel m =
      hedgesim::load_and_compile(std::string(HEDGESIM_SOURCE_DIR) + "/scenarios/veto-2019.toml");
  return m;
}

void set_rate(benchmark::State& state, double runs_per_iteration) {
  const CompiledModel& m = model();
  const double agent_steps = runs_per_iteration * m.steps * m.n_agents;
  state.counters["agent_steps_per_s"] =
      benchmark::Counter(agent_steps * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["runs_per_s"] = benchmark::Counter(
      runs_per_iteration * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_SingleRunWithAttribution(benchmark::State& state) {
  const CompiledModel& m = model();
  std::uint64_t run_index = 0;
  for (auto _ : state) {
    hedgesim::RunOutput out = hedgesim::run(m, kSeed, run_index++, true);
    benchmark::DoNotOptimize(out.trajectory.data());
    benchmark::DoNotOptimize(out.attribution.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, 1);
}
BENCHMARK(BM_SingleRunWithAttribution);

void BM_BatchNoAttribution(benchmark::State& state) {
  const CompiledModel& m = model();
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    for (std::uint64_t r = 0; r < n; ++r) {
      hedgesim::RunOutput out = hedgesim::run(m, kSeed, r, false);
      benchmark::DoNotOptimize(out.trajectory.data());
      benchmark::ClobberMemory();
    }
  }
  set_rate(state, static_cast<double>(n));
}
BENCHMARK(BM_BatchNoAttribution)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

void BM_EnsembleThreads(benchmark::State& state) {
  const CompiledModel& m = model();
  hedgesim::EnsembleOptions opt;
  opt.seed = kSeed;
  opt.replicates = 1024;
  opt.threads = static_cast<int>(state.range(0));
  opt.attribution = false;
  for (auto _ : state) {
    std::vector<hedgesim::RunOutput> out = hedgesim::run_ensemble(m, opt);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, opt.replicates);
}
BENCHMARK(BM_EnsembleThreads)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// Stepping only: a batch of N replicates stepped to the end, nothing kept (what sweeps do, metrics aside).
void BM_BatchStepping(benchmark::State& state) {
  const CompiledModel& m = model();
  const int n = static_cast<int>(state.range(0));
  std::uint64_t first = 0;
  hedgesim::Batch b;
  hedgesim::Workspace ws;
  for (auto _ : state) {
    hedgesim::init_batch(m, kSeed, first, n, b, ws);
    for (int k = 1; k <= m.steps; ++k)
      hedgesim::step(m, k, b, ws, nullptr);
    benchmark::DoNotOptimize(b.x.data());
    first += static_cast<std::uint64_t>(n);
  }
  set_rate(state, n);
}
BENCHMARK(BM_BatchStepping)->Arg(8)->Arg(20)->Arg(64)->Arg(256)->Arg(1024);
