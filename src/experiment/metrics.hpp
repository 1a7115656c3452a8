// Metrics of runs (docs/experiment-format.md, [[metrics]]), computed while a batch of replicates steps, so
// that a sweep never keeps trajectories: each metric holds one running accumulator per replicate column (a
// value, a sum, a minimum, a maximum or a first-crossing time) and reads only the rows it needs.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "engine/engine.hpp"
#include "experiment/experiment_spec.hpp"

namespace hedgesim {

class MetricRecorder {
 public:
  MetricRecorder(const CompiledModel& m, std::vector<MetricDef> metrics);

  /// Starts a batch of `width` columns.
  void reset(int width);
  /// Reads the batch's state at step k: call for k = 0 after init_batch, then after each step().
  void observe(int k, const Batch& b);
  /// Metric `metric` of column `column`, once the last step has been observed.
  double value(int metric, int column) const;
  int size() const { return static_cast<int>(defs_.size()); }
  const std::vector<MetricDef>& definitions() const { return defs_; }

 private:
  const CompiledModel* m_;
  std::vector<MetricDef> defs_;
  std::vector<Eigen::ArrayXd> acc_;                             ///< per metric, per column
  std::vector<Eigen::Array<bool, Eigen::Dynamic, 1>> crossed_;  ///< first_* only
  Eigen::ArrayXd series_;  ///< scratch: the metric's series at the current step
};

/// Runs `count` replicates (first_run, ...) of `m` under `seed` and writes their metrics to
/// out[(r - first_run) * metrics + j]. The same numbers whatever batch the replicates are run in.
void run_metrics(const CompiledModel& m, std::uint64_t seed, std::uint64_t first_run, int count,
                 MetricRecorder& recorder, Batch& b, Workspace& ws, double* out);

}  // namespace hedgesim
