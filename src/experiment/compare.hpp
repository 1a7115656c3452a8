// `hedgesim compare`: a factual and a counterfactual scenario run side by side with common random numbers
// (replicate r of A and replicate r of B draw the same random stream), summarised as paired differences:
// per metric, the mean of A - B over replicates with a percentile-bootstrap CI; per step, the mean and 5-95 %
// band of A - B for the hedgers' main variables. Written as differences.csv, difference-over-time.csv and
// meta.json (docs/output-format.md). Both scenarios must share the model's agents and the time grid, or the
// pairing would be meaningless.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "experiment/experiment_spec.hpp"
#include "model/compiled_model.hpp"

namespace hedgesim {

struct CompareOptions {
  int replicates = 200;
  std::uint64_t seed = 0;
  int threads = 1;
  int bootstrap = 2000;
  double confidence = 0.95;
  std::string metrics_file;  ///< the experiment file the metrics come from; empty for the defaults
  std::function<void(int pairs)> on_done{};  ///< called (from worker threads) as batches of pairs finish
};

struct MetricDifference {
  std::string metric;
  double mean_a = 0, mean_b = 0, difference = 0, ci_low = 0, ci_high = 0;
  /// The metric's spread between replicates: the pooled standard deviation sqrt((s_A² + s_B²) / 2).
  double spread = 0;
  /// The standardised effect d = difference / spread (Cohen 1988); 0 when spread is 0.
  double effect = 0;
  bool material = false;  ///< is_material()
};

/// Cohen's "small" effect: a difference under a fifth of the metric's own spread between runs is tiny.
inline constexpr double kMaterialEffect = 0.2;

/// Whether a difference matters, not only whether it is there: with common random numbers nearly every
/// interval excludes 0, however small the difference. Material: the interval excludes 0 and |d| >=
/// kMaterialEffect (or, for a metric with no spread at all, the difference is not 0).
bool is_material(const MetricDifference& m);

/// The variables whose A - B difference is kept for every step (hedgers only).
inline constexpr Var kCompareVars[] = {Var::signal, Var::substance, Var::courting, Var::grievance};

struct CompareResult {
  std::vector<MetricDifference> metrics;
  /// [((k * n_hedgers + agent) * vars + v) * 3 + {0: mean, 1: q05, 2: q95}] of A - B at step k.
  std::vector<double> over_time;
};

/// Checks that A and B can be paired: same agents in the same order, same start, step and number of steps.
/// Throws InputError at B's file otherwise.
void check_comparable(const CompiledModel& a, const CompiledModel& b);

/// An agent id as part of a metric name, which the experiment format keeps to [a-z0-9_]: lowercased, any
/// other character '_'.
std::string metric_name_part(const std::string& id);

/// Default metrics when none are given: each hedger's mean signal and mean substance over the whole run,
/// named like `<id>_signal_mean` with the id lowercased (metric_name_part).
std::vector<MetricDef> default_compare_metrics(const CompiledModel& m);

CompareResult compare(const CompiledModel& a, const CompiledModel& b, const std::vector<MetricDef>& metrics,
                      const CompareOptions& options);

/// Writes differences.csv, difference-over-time.csv and meta.json into `dir`; returns the paths.
std::vector<std::string> write_compare_outputs(const CompiledModel& a, const CompiledModel& b,
                                               const CompareResult& r, const CompareOptions& options,
                                               const std::string& dir, const std::string& command_line);

/// The table printed by the CLI: one line per metric, A, B, A - B and its CI.
std::string render_compare_table(const CompiledModel& a, const CompiledModel& b, const CompareResult& r,
                                 const CompareOptions& options);

}  // namespace hedgesim
