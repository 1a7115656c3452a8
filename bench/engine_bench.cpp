// Engine and sweep throughput benchmarks (Google Benchmark) on scenarios/veto-2019.toml.
//
// What is measured: the time of whole runs of the compiled scenario (the model is loaded and compiled once,
// outside the timed loop), reported as the counter `agent_steps_per_s` = runs x steps x n_agents / time,
// where one agent-step is one agent's update in one time step, counting every agent (hedgers, western
// patrons and the rival): one run of veto-2019 is 48 x 9 = 432 agent-steps.
//
//   BM_SingleRunWithAttribution     one run with attribution recording (what `hedgesim run` does per run)
//   BM_RunsOneAtATime/N             N runs, each `run(...)` alone (a batch of one) with its trajectory
//   BM_BatchStepping/W              W replicates stepped side by side to the end, nothing kept
//   BM_EnsembleThreads/T            run_ensemble of 1024 replicates with trajectories, T threads (wall time)
//   BM_Sweep/points/threads         the sweep runner: an LHS design over two parameters, 20 replicates per
//                                   point, 3 metrics streamed, every chunk appended to an fsync'd journal
//                                   (wall time; the rate is the total over the threads)
//   BM_StepScaling/model            64 replicates stepped to the end on models of growing size: the default
//                                   (9 agents), model/extended (12), and two generated models of 100 agents,
//                                   one of 90 hedgers and 10 patrons and one of 10 hedgers and 90 patrons,
//                                   so that the cost of the hedger terms (W: n^2) and of the pair terms
//                                   (patrons x hedgers) can be told apart; counters: ns per step per
//                                   replicate
//
// The figures, and how they compare with the shared reference kernel, are in docs/performance.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "experiment/ensemble.hpp"
#include "experiment/runner.hpp"
#include "experiment/sweep.hpp"
#include "model/compiled_model.hpp"
#include "model/load.hpp"

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

/// Each iteration steps a new batch of `width` replicates of `m` to the end, keeping nothing.
void step_batches(benchmark::State& state, const CompiledModel& m, int width) {
  std::uint64_t first = 0;
  hedgesim::Batch b;
  hedgesim::Workspace ws;
  for (auto _ : state) {
    hedgesim::init_batch(m, kSeed, first, width, b, ws);
    for (int k = 1; k <= m.steps; ++k)
      hedgesim::step(m, k, b, ws, nullptr);
    benchmark::DoNotOptimize(b.x.data());
    first += static_cast<std::uint64_t>(width);
  }
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

void BM_RunsOneAtATime(benchmark::State& state) {
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
BENCHMARK(BM_RunsOneAtATime)->Arg(1024)->Unit(benchmark::kMillisecond);

void BM_BatchStepping(benchmark::State& state) {
  const CompiledModel& m = model();
  const int n = static_cast<int>(state.range(0));
  step_batches(state, m, n);
  set_rate(state, n);
}
BENCHMARK(BM_BatchStepping)->ArgName("width")->Arg(1)->Arg(8)->Arg(20)->Arg(64)->Arg(256)->Arg(1024);

/// A generated model of `hedgers` hedgers and `patrons` patrons (the first half western, the first western
/// patron a veto player), each hedger listening to its four ring neighbours, with the shipped parameters and
/// event types, and a scenario over veto-2019's window with a veto, a summit and a courting gesture. Written
/// once into a directory under the system's temporary directory.
std::string generated_scenario(int hedgers, int patrons) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() /
                       ("hedgesim-bench-" + std::to_string(hedgers) + "x" + std::to_string(patrons));
  fs::create_directories(dir / "model");
  const fs::path shipped = fs::path(HEDGESIM_SOURCE_DIR) / "model";
  for (const char* f : {"parameters.toml", "events.toml"})
    fs::copy_file(shipped / f, dir / "model" / f, fs::copy_options::overwrite_existing);
  auto h = [](int i) { return "H" + std::to_string(i); };
  auto p = [](int i) { return "P" + std::to_string(i); };
  const int west = patrons / 2;
  std::ofstream agents(dir / "model" / "agents.toml");
  agents << "[[bloc]]\nid = \"west\"\npole = 1\n[[bloc]]\nid = \"east\"\npole = -1\n";
  for (int i = 0; i < hedgers; ++i) {
    agents << "[[agent]]\nid = \"" << h(i) << "\"\nkind = \"hedger\"\nsusceptibility = 0.3\n"
           << "initial = { signal = " << (i % 2 ? 0.5 : -0.1) << ", substance = 0.5, accession = 0.3, "
           << "opinion = 0.2, payoff_court = 0.1, conditionality = 0.5, engagement = { " << p(patrons - 1)
           << " = 0.1 }, trust = { " << p(patrons - 1) << " = 0.6 } }\n";
  }
  for (int j = 0; j < patrons; ++j)
    agents << "[[agent]]\nid = \"" << p(j) << "\"\nkind = \"patron\"\nbloc = \""
           << (j < west ? "west" : "east") << "\"\n"
           << (j == 0 ? "veto_player = true\n" : "") << "initial = { capacity = " << (j < west ? 0.0 : 0.6)
           << " }\n";
  std::ofstream influence(dir / "model" / "influence.toml");
  for (int i = 0; i < hedgers; ++i) {
    influence << "[influence." << h(i) << "]\n";
    for (int d : {1, 2, hedgers - 1, hedgers - 2})
      influence << h((i + d) % hedgers) << " = 0.25\n";
  }
  std::ofstream scenario(dir / "scenario.toml");
  scenario << "[scenario]\nname = \"generated\"\ntitle = \"generated\"\nmodel = \"model\"\n"
           << "start = 2019-08-01\nend = 2020-06-30\nseed = 1\n"
           << "[[event]]\ndate = 2019-10-18\ntype = \"accession_veto\"\nactor = \"" << p(0)
           << "\"\ntargets = [\"" << h(0) << "\", \"" << h(1) << "\"]\nlabel = \"veto\"\n"
           << "[[event]]\ndate = 2019-10-20\ntype = \"rival_summit\"\nactor = \"" << p(patrons - 1)
           << "\"\ntargets = [\"" << h(2) << "\"]\nlabel = \"summit\"\n"
           << "[[event]]\ndate = 2019-11-14\ntype = \"courting_gesture\"\nactor = \"" << h(3)
           << "\"\ntargets = [\"" << p(patrons - 1) << "\"]\nlabel = \"gesture\"\n";
  return (dir / "scenario.toml").string();
}

const CompiledModel& scaling_model(int which) {
  static const CompiledModel models[] = {
      hedgesim::load_and_compile(std::string(HEDGESIM_SOURCE_DIR) + "/scenarios/veto-2019.toml"),
      hedgesim::load_and_compile(std::string(HEDGESIM_SOURCE_DIR) +
                                 "/scenarios/wb12-bulgarian-veto-2020-2022.toml"),
      hedgesim::load_and_compile(generated_scenario(90, 10)),
      hedgesim::load_and_compile(generated_scenario(10, 90)),
  };
  return models[which];
}

void BM_StepScaling(benchmark::State& state) {
  const CompiledModel& m = scaling_model(static_cast<int>(state.range(0)));
  constexpr int kWidth = 64;
  step_batches(state, m, kWidth);
  const double steps = static_cast<double>(state.iterations()) * kWidth * m.steps;
  state.counters["agents"] = m.n_agents;
  state.counters["rows"] = m.n_rows;
  state.counters["agent_steps_per_s"] = benchmark::Counter(steps * m.n_agents, benchmark::Counter::kIsRate);
  // kIsRate | kInvert reports time / value: with value = steps / 1e9, nanoseconds per step (per replicate).
  state.counters["ns_per_step"] =
      benchmark::Counter(steps / 1e9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_StepScaling)->ArgName("model")->DenseRange(0, 3);

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

/// Three metrics of the kind the shipped experiments use.
std::vector<hedgesim::MetricDef> sweep_metrics(const CompiledModel& m) {
  std::vector<hedgesim::MetricDef> defs;
  for (auto [var, stat] : {std::pair{hedgesim::Var::courting, hedgesim::Statistic::mean},
                           std::pair{hedgesim::Var::signal, hedgesim::Statistic::min},
                           std::pair{hedgesim::Var::grievance, hedgesim::Statistic::max}}) {
    hedgesim::MetricDef d;
    d.name = std::string(hedgesim::kVarInfo[hedgesim::var_index(var)].name);
    d.agent = 0;
    d.row = m.row(var, 0);
    d.stat = stat;
    d.step_to = m.steps;
    defs.push_back(d);
  }
  return defs;
}

void BM_Sweep(benchmark::State& state) {
  const CompiledModel& m = model();
  const int points = static_cast<int>(state.range(0)), threads = static_cast<int>(state.range(1));
  hedgesim::ExperimentSpec spec;
  spec.design = hedgesim::DesignKind::lhs;
  spec.samples = points;
  spec.seed = kSeed;
  hedgesim::ParameterAxis a, b;
  a.name = "grievance_weight", a.lo = 2.0, a.hi = 8.0;
  b.name = "engagement_signal_pull", b.lo = 0.3, b.hi = 1.2;
  spec.parameters = {a, b};
  hedgesim::WorkPlan plan;
  plan.values = hedgesim::parameter_values(spec, hedgesim::make_design(spec).unit);
  plan.replicates = 20;
  plan.metrics = 3;
  plan.chunk_points = hedgesim::automatic_chunk_points(plan.points(), plan.replicates);
  std::vector<int> params;
  for (const auto& p : spec.parameters)
    params.push_back(static_cast<int>(m.spec.find_parameter(p.name) - m.spec.parameters.data()));
  const hedgesim::ModelEvaluator ev(m, params, sweep_metrics(m), kSeed);
  const std::string path = (std::filesystem::temp_directory_path() / "hedgesim-bench-journal.hsj").string();
  for (auto _ : state) {
    hedgesim::io::Journal journal = hedgesim::io::Journal::create(path, {{"bench", "1"}});
    hedgesim::run_chunks(plan, ev, journal, {threads, nullptr, nullptr});
    journal.remove();
  }
  set_rate(state, static_cast<double>(points) * plan.replicates);
}
BENCHMARK(BM_Sweep)
    ->ArgNames({"points", "threads"})
    ->Args({50, 1})
    ->Args({50, 2})
    ->Args({500, 1})
    ->Args({500, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
