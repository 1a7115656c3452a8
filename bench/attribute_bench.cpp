// Speed of `hedgesim attribute` (docs/performance.md, "Attribution"): exact Shapley values over the first 12
// events of France's 2019-2025 scenario (4,096 variants of the scenario, each run `replicates` times, 344
// weekly steps), the set-up issue 16 budgets at under 5 minutes on 2 cores for 200 replicates. Counters:
// variants and model runs a second.
#include <benchmark/benchmark.h>

#include <string>

#include "experiment/attribute.hpp"
#include "experiment/compare.hpp"
#include "model/load.hpp"

namespace {

using namespace hedgesim;

void BM_ExactShapleyOverTwelveEvents(benchmark::State& state) {
  Scenario s = load_scenario(std::string(HEDGESIM_SOURCE_DIR) + "/scenarios/france-strategy-2019-2025.toml");
  const ModelSpec spec = load_model(s.model_dir);
  AttributeOptions opt;
  opt.replicates = static_cast<int>(state.range(1));
  opt.threads = static_cast<int>(state.range(0));
  opt.seed = s.seed;
  opt.bootstrap = 2000;
  for (std::size_t i = 0; i < 12; ++i) {  // the players: the first 12 events, named for --events
    if (s.events[i].id.empty()) s.events[i].id = "event-" + std::to_string(i + 1);
    opt.events.push_back(s.events[i].id);
  }
  const CompiledModel m = compile(spec, s);
  const std::vector<MetricDef> metrics = default_compare_metrics(m);
  double variants = 0;
  for (auto _ : state) {
    const AttributeResult r = attribute(spec, s, metrics, opt);
    variants += static_cast<double>(r.coalitions);
  }
  state.counters["variants_per_s"] = benchmark::Counter(variants, benchmark::Counter::kIsRate);
  state.counters["runs_per_s"] = benchmark::Counter(variants * opt.replicates, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ExactShapleyOverTwelveEvents)
    ->ArgNames({"threads", "replicates"})
    ->Args({2, 200})
    ->Args({1, 20})
    ->Args({2, 20})
    ->UseRealTime()
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
