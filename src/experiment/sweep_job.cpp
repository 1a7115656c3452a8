#include "experiment/sweep_job.hpp"

#include <iostream>

#include "experiment/mpi_runner.hpp"
#include "model/input_error.hpp"

namespace hedgesim {
namespace {

constexpr int kExitBadInput = 2;

/// run_sweep on rank 0 of a job of several ranks, handing chunks out to the others (see the header comment).
SweepResult coordinate_sweep(const SweepJob& job, const PointEvaluator& evaluator, SweepOptions opt) {
  bool started = false;
  opt.execute = [&started](const WorkPlan& plan, const PointEvaluator& ev, io::Journal& journal,
                           const RunChunksOptions& o) {
    started = true;
    return mpi::coordinate_chunks(plan, ev, journal, o);
  };
  try {
    return run_sweep(job, evaluator, opt);
  } catch (const InputError& e) {
    if (started) {
      std::cerr << e.what() << std::endl;
      mpi::abort_all(kExitBadInput);
    }
    mpi::release_servers();
    throw;
  }
}

}  // namespace

LoadedSweep load_sweep(const std::string& path) {
  ResolvedExperiment e = load_and_resolve_experiment(path);
  if (e.spec.design == DesignKind::none)
    throw InputError(e.spec.design_pos,
                     "this experiment has no [design] table, so there is nothing to sweep; add one (kind = "
                     "\"grid\", \"lhs\", \"morris\" or \"sobol\"; see docs/experiment-format.md)");
  std::vector<int> parameters;
  for (const ParameterAxis& p : e.spec.parameters)
    parameters.push_back(
        static_cast<int>(e.model.spec.find_parameter(p.name) - e.model.spec.parameters.data()));
  SweepJob job{e.spec, {}, experiment_identity(e), experiment_provenance(e)};
  for (const MetricDef& d : e.metrics)
    job.metric_names.push_back(d.name);
  return {std::move(e), std::move(job), std::move(parameters)};
}

std::optional<LoadedSweep> load_sweep_on_every_rank(const std::string& path, const MpiPlace& place,
                                                    std::ostream& err) {
  std::optional<LoadedSweep> s;
  std::optional<std::string> error;
  try {
    s.emplace(load_sweep(path));
  } catch (const InputError& e) {
    error = e.what();
  }
  const std::string identity = s ? io::render_journal_header(s->job.identity) : "";
  if (auto message = mpi::agree_on_inputs(error, identity)) {
    if (place.rank == 0) err << *message << "\n";
    return std::nullopt;
  }
  return s;
}

std::optional<SweepResult> run_sweep_as_rank(const LoadedSweep& s, SweepOptions options,
                                             const MpiPlace& place) {
  const ModelEvaluator evaluator = s.evaluator();
  if (place.rank > 0) {  // a serving rank: no files, no output; rank 0 tells it when to stop
    mpi::serve_chunks(make_plan(s.e.spec, make_design(s.e.spec), evaluator.metric_count()), evaluator,
                      options.threads);
    return std::nullopt;
  }
  if (place.size > 1) return coordinate_sweep(s.job, evaluator, std::move(options));
  return run_sweep(s.job, evaluator, options);
}

}  // namespace hedgesim
