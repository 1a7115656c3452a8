// experiment/sweep_job: `hedgesim sweep` as a job, alone or as one rank of an MPI job — the policy that used
// to live in the CLI. Every rank loads the experiment and the ranks agree on their inputs before any work
// (a bad input is reported once, by rank 0, and every rank exits 2); rank 0 runs the sweep, coordinating the
// others, which serve chunks and write nothing. A refusal before the work is handed out releases the other
// ranks cleanly; a failure once it is under way ends the whole job (MPI_Abort), since the other ranks hold
// chunks and cannot be told otherwise. Compiled into the MPI runner libraries (mpi_runner.hpp).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "experiment/experiment_spec.hpp"
#include "experiment/runner.hpp"
#include "experiment/sweep.hpp"

namespace hedgesim {

/// This process's place in its MPI job: {0, 1} without MPI.
struct MpiPlace {
  int rank = 0, size = 1;
};

/// An experiment file read and checked for sweeping: the model and metrics, the job's identity, and the
/// model's indices of the swept parameters.
struct LoadedSweep {
  ResolvedExperiment e;
  SweepJob job;
  std::vector<int> parameters;

  ModelEvaluator evaluator() const { return ModelEvaluator(e.model, parameters, e.metrics, e.spec.seed); }
};

/// Reads and checks the experiment; InputError for a bad file or one without a [design] to sweep.
LoadedSweep load_sweep(const std::string& path);

/// load_sweep on every rank of a job of more than one; the ranks agree that all could load it and that they
/// read the same inputs. Nothing (after rank 0 wrote the message to `err`) if not; then exit 2 everywhere.
std::optional<LoadedSweep> load_sweep_on_every_rank(const std::string& path, const MpiPlace& place,
                                                    std::ostream& err);

/// This rank's part of the sweep: rank 0 runs it (coordinating the other ranks when there are any) and gets
/// its result; any other rank serves chunks until rank 0 releases it and gets nothing.
std::optional<SweepResult> run_sweep_as_rank(const LoadedSweep& s, SweepOptions options,
                                             const MpiPlace& place);

}  // namespace hedgesim
