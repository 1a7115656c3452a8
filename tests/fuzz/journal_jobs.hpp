// The sweeps whose journals the journal fuzz target resumes, shared with the program that writes the seed
// journals (journal_seeds.cpp) so that seeds and target agree on every header line: "lhs", an analytic sweep
// of 10 LHS points, 2 replicates, 2 metrics and 4 points per chunk (3 chunks of 16, 16 and 8 values), and
// "sobol", a Sobol design over 2 parameters with 4 base samples (16 points, 1 replicate, 2 metrics, 4 points
// per chunk: 4 chunks of 8 values) whose resumption also computes indices.csv from the journal's numbers.
// The evaluator is analytic (a + b, a * b): the model is not what a journal test is about.
#pragma once

#include <string_view>

#include "experiment/sweep.hpp"

namespace hedgesim::fuzz {

inline ParameterAxis journal_axis(const char* name, double lo, double hi) {
  ParameterAxis p;
  p.name = name;
  p.lo = lo;
  p.hi = hi;
  return p;
}

/// The job "lhs" or "sobol"; its identity names it (`design = lhs`), which is how the target picks the job
/// that resumes a journal.
inline SweepJob journal_job(std::string_view design) {
  SweepJob job;
  const bool sobol = design == "sobol";
  job.spec.name = "fuzz";
  job.spec.design = sobol ? DesignKind::sobol : DesignKind::lhs;
  job.spec.samples = sobol ? 4 : 10;
  job.spec.levels = 4;
  job.spec.seed = 3;
  job.spec.replicates = sobol ? 1 : 2;
  job.spec.chunk_points = 4;
  job.spec.bootstrap = 50;
  job.spec.parameters = {journal_axis("a", 0, 1), journal_axis("b", 1, 2)};
  job.metric_names = {"sum", "product"};
  job.identity = {{"version", "fuzz"}, {"design", sobol ? "sobol" : "lhs"}};
  return job;
}

inline FunctionEvaluator journal_evaluator() {
  return FunctionEvaluator(2, [](const Eigen::Ref<const Eigen::VectorXd>& x, double* y) {
    y[0] = x[0] + x[1];
    y[1] = x[0] * x[1];
  });
}

}  // namespace hedgesim::fuzz
