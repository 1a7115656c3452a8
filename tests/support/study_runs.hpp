// The study directories the plot_study tests read, written by the real writers once per test process into a
// scratch directory (removed when the process ends): four sweeps by `run_sweep` on analytic functions of
// named parameters (through exactly the path a model sweep takes: design, runner, journal, files), and a
// comparison by `compare` + `write_compare_outputs` of tests/data/report/fixture-veto.toml against
// fixture-no-veto.toml on the report fixture model. Each is built so that a figure drawn wrongly fails a
// test:
//  - sobol:   gap_mean orders its parameters differently by ST (gamma, alpha, delta, beta) than by S1 (alpha
//             first) or by meta.json; signal_after_veto's order is delta, beta, alpha, gamma; flat_metric is
//             constant; second order, so indices.csv has S2 rows;
//  - morris:  two metrics whose mu* orders differ (delta first in one, last and inert in the other), with a
//             non-linear gamma (a large sigma);
//  - grid:    3 x 3 levels of alpha_gain in [0.5, 4.5] and beta_half_life_days in [30, 270]: gap_mean rises
//             with alpha and falls a little with beta, signal_after_veto depends on alpha alone;
//  - lhs:     12 points over three parameters whose ranges are far from [0, 1] (normal, log-uniform,
//             uniform); flat_metric did not vary (0.25);
//  - compare: WWW's veto of AAA in A only.
#pragma once

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "experiment/compare.hpp"
#include "experiment/runner.hpp"
#include "experiment/sweep.hpp"
#include "model/load.hpp"
#include "results/build_info.hpp"

namespace hedgesim::testing {

namespace detail {

inline ParameterAxis study_axis(const std::string& name, double lo, double hi,
                                Distribution dist = Distribution::uniform, double mean = 0, double sd = 0) {
  ParameterAxis p;
  p.name = name;
  p.lo = lo;
  p.hi = hi;
  p.dist = dist;
  p.mean = mean;
  p.sd = sd;
  return p;
}

inline SweepJob study_job(const std::string& name, DesignKind design, int samples, int replicates,
                          std::vector<ParameterAxis> parameters, std::vector<std::string> metrics) {
  SweepJob job;
  job.spec.name = name;
  job.spec.design = design;
  job.spec.samples = samples;
  job.spec.seed = 7;
  job.spec.replicates = replicates;
  job.spec.bootstrap = 200;
  job.spec.confidence = 0.95;
  job.spec.parameters = std::move(parameters);
  job.metric_names = std::move(metrics);
  job.identity = {{"version", results::version()}};
  job.provenance = {{"experiment", "experiments/" + name + ".toml"}};
  return job;
}

inline void run_study_sweep(const SweepJob& job, const FunctionEvaluator::Function& f,
                            const std::filesystem::path& out) {
  const FunctionEvaluator evaluator(static_cast<int>(job.metric_names.size()), f);
  SweepOptions opt;
  opt.out_dir = out.string();
  opt.command_line = "hedgesim sweep experiments/" + job.spec.name + ".toml";
  run_sweep(job, evaluator, opt);
}

class StudyRunsDir {
 public:
  StudyRunsDir() {
    // Not under $TMPDIR: tests that set a private TMPDIR (ScratchDirTest) check it is left empty.
    root_ = std::filesystem::path(P_tmpdir) / ("hedgesim-study-runs-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
    const std::vector<ParameterAxis> four = {
        study_axis("alpha_gain", 1, 2), study_axis("beta_half_life_days", 1, 2),
        study_axis("gamma_pull", 1, 2), study_axis("delta_budget", 1, 2)};
    {
      SweepJob job = study_job("fixture-sobol", DesignKind::sobol, 512, 4, four,
                               {"gap_mean", "signal_after_veto", "flat_metric"});
      job.spec.second_order = true;
      run_study_sweep(
          job,
          [](const Eigen::Ref<const Eigen::VectorXd>& x, double* y) {
            const double a = x[0] - 1, b = x[1] - 1, g = x[2] - 1, d = x[3] - 1;
            // gamma acts mostly with delta: its total effect passes alpha's, its first-order one does not.
            y[0] = 0.9 * a + 0.65 * g + 2.4 * (g - 0.5) * (d - 0.5) + 0.15 * d + 0.01 * std::sin(9 * b);
            y[1] = 1.0 * d + 0.55 * b + 0.4 * a + 0.1 * g;
            y[2] = 0.0;
          },
          root_ / "sobol");
    }
    {
      SweepJob job = study_job("fixture-morris", DesignKind::morris, 10, 10, four,
                               {"srb_courting_mean", "mkd_signal_after_veto"});
      job.spec.levels = 4;
      run_study_sweep(
          job,
          [](const Eigen::Ref<const Eigen::VectorXd>& x, double* y) {
            const double a = x[0] - 1, b = x[1] - 1, g = x[2] - 1, d = x[3] - 1;
            y[0] = 0.25 * d + 0.12 * a + 0.24 * (g - 0.5) * (g - 0.5) + 0.001 * b;
            y[1] = -0.3 * a - 0.1 * g - 0.4 * (g - 0.5) * (g - 0.5) + 0.02 * b;  // delta plays no part
          },
          root_ / "morris");
    }
    {
      SweepJob job =
          study_job("fixture-grid", DesignKind::grid, 0, 2,
                    {study_axis("alpha_gain", 0.5, 4.5), study_axis("beta_half_life_days", 30, 270)},
                    {"gap_mean", "signal_after_veto"});
      job.spec.levels = 3;
      run_study_sweep(
          job,
          [](const Eigen::Ref<const Eigen::VectorXd>& x, double* y) {
            y[0] = 0.1 * x[0] - 0.0005 * x[1];
            y[1] = -0.2 * x[0];
          },
          root_ / "grid");
    }
    {
      SweepJob job = study_job("fixture-lhs", DesignKind::lhs, 12, 5,
                               {study_axis("alpha_gain", 1, 8, Distribution::normal, 4.5, 2.0),
                                study_axis("beta_half_life_days", 30, 270, Distribution::loguniform),
                                study_axis("gamma_pull", 0.3, 1.2)},
                               {"gap_mean", "signal_after_veto", "flat_metric"});
      run_study_sweep(
          job,
          [](const Eigen::Ref<const Eigen::VectorXd>& x, double* y) {
            y[0] = 0.05 * x[0] + 0.3 * x[2];
            y[1] = -0.002 * x[1];
            y[2] = 0.25;
          },
          root_ / "lhs");
    }
    {
      const std::string data = std::string(HEDGESIM_SOURCE_DIR) + "/tests/data/report/";
      const CompiledModel a = load_and_compile(data + "fixture-veto.toml");
      const CompiledModel b = load_and_compile(data + "fixture-no-veto.toml");
      CompareOptions opt;
      opt.replicates = 50;
      opt.seed = 11;
      const CompareResult r = compare(a, b, default_compare_metrics(a), opt);
      write_compare_outputs(a, b, r, opt, (root_ / "compare").string(),
                            "hedgesim compare fixture-veto.toml fixture-no-veto.toml -r 50 --seed 11");
    }
  }
  ~StudyRunsDir() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  StudyRunsDir(const StudyRunsDir&) = delete;
  StudyRunsDir& operator=(const StudyRunsDir&) = delete;
  std::string root() const { return root_.string() + "/"; }

 private:
  std::filesystem::path root_;
};
}  // namespace detail

/// The scratch directory holding sobol/, morris/, grid/, lhs/ and compare/, ending in '/', written on first
/// use. Tests must not write into them (copy them first).
inline std::string study_runs() {
  static const detail::StudyRunsDir dir;
  return dir.root();
}

}  // namespace hedgesim::testing
