// `hedgesim sweep`: an experiment file's design turned into parameter values, its runs computed chunk by
// chunk through the runner with a journal (so that a killed or interrupted sweep resumes where it stopped),
// and, once every chunk is in, the output files rendered from the journal in chunk order — design.csv,
// results.csv, summary.csv, indices.csv (Morris and Sobol designs) and meta.json — each written atomically.
// Because the outputs are rendered from the journal in a fixed order, they are the same bytes whatever the
// number of threads, processes or interruptions that produced it. Memory stays flat in the number of runs:
// results stream from the journal to disk, and the indices need one mean per point and metric.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "experiment/design.hpp"
#include "experiment/experiment_spec.hpp"
#include "experiment/runner.hpp"
#include "experiment/sensitivity.hpp"

namespace hedgesim {

/// The design of an experiment: unit-cube coordinates and, for Morris and Sobol, the structure the
/// estimators need. Without a design: one point, the scenario as written.
struct SweepDesign {
  Eigen::MatrixXd unit;  ///< points x parameters, in [0, 1]
  std::optional<MorrisDesign> morris;
  std::optional<SaltelliDesign> saltelli;
};
SweepDesign make_design(const ExperimentSpec& e);
/// Each parameter's value at each point: ParameterAxis::value_at of the unit coordinate.
Eigen::MatrixXd parameter_values(const ExperimentSpec& e, const Eigen::MatrixXd& unit);

/// The work of a sweep: the design's parameter values, the experiment's replicates, the evaluator's metrics
/// and the chunk size (the experiment's, or automatic_chunk_points). Every MPI rank computes the same plan.
WorkPlan make_plan(const ExperimentSpec& e, const SweepDesign& design, int metrics);

/// What a sweep needs besides its evaluator: the experiment, the names of its metrics, and what identifies
/// it (recorded in the journal, checked on --resume, and written to meta.json).
struct SweepJob {
  ExperimentSpec spec;
  std::vector<std::string> metric_names;
  io::JournalHeader identity;  ///< what a resumed journal must match: version, SHA-256 of the inputs
  io::JournalHeader
      provenance{};  ///< recorded in meta.json only: the paths as given (they may differ on resume)
};

struct SweepOptions {
  std::string out_dir{};
  ChunkExecutor execute = run_chunks;
  int threads = 1;
  bool resume = false;
  bool progress = false;                    ///< draw a progress bar on stderr
  const std::atomic<bool>* stop = nullptr;  ///< e.g. set by SIGINT
  std::string command_line{};
};

struct SweepResult {
  bool finished = false;  ///< false: stopped early; the journal holds the finished chunks
  std::int64_t chunks_done = 0, chunks = 0, runs = 0;
  std::string journal;             ///< the journal's path
  std::vector<std::string> files;  ///< written when finished
};

/// The journal's file name inside the output directory.
inline constexpr const char* kJournalName = "journal.hsj";

/// Runs (or resumes) the sweep and writes its outputs. Throws InputError when the output directory holds
/// another sweep's unfinished journal and resume is false, or when resuming a journal of another job.
SweepResult run_sweep(const SweepJob& job, const PointEvaluator& evaluator, const SweepOptions& options);

/// The identity of an experiment for journals and meta.json: the version and the SHA-256 of the experiment
/// file, the scenario and the model (content, not paths: a sweep may be resumed from another directory).
io::JournalHeader experiment_identity(const ResolvedExperiment& e);
/// Where the inputs were read from, for meta.json: the experiment file, the scenario and the model directory.
io::JournalHeader experiment_provenance(const ResolvedExperiment& e);

}  // namespace hedgesim
