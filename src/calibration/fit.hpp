// `hedgesim calibrate`: the model held against observed data by ABC-SMC and likelihood tempering (abc.hpp).
// This module turns a proposal (a point of the priors' unit cube) into a distance — the scenario run for
// `replicates` replicates at the proposal's parameter values on the experiments runner (threads, MPI ranks, a
// journal per batch so a killed calibration resumes), each observed row's variable averaged over its year and
// the replicates, then the observation model's expected value (O1) — and writes what a researcher reads: the
// posterior sample with weights, each generation's tolerance, temperature, acceptance and effective sample
// size, posterior and prior predictive bands for every observed row, pairwise posterior correlations, the
// evidence, and the held-out years' errors against the prior predictive and "each indicator stays at its last
// observed value" (docs/calibration.md).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "calibration/abc.hpp"
#include "calibration/calibration_spec.hpp"
#include "experiment/experiment_spec.hpp"
#include "experiment/runner.hpp"

namespace hedgesim::calibration {

/// The yearly means the observed rows read: one metric per (hedger, year, variable) that some row (fitted or
/// held out) needs, and for each observed row the metric it reads.
struct ObservationPlan {
  std::vector<MetricDef> metrics;
  std::vector<int> metric_of_row;  ///< per row of ResolvedCalibration::observed.rows
};
ObservationPlan observation_plan(const ResolvedCalibration& c);

/// The observation model's expected value (O1) of observed row `row` when the metrics' means over the
/// replicates are `means` (one per ObservationPlan metric) and the links are `links` (the observation
/// model's, with a proposal's link parameters: ResolvedCalibration::links_at).
double expected_of_row(const ResolvedCalibration& c, const ObservationPlan& plan, std::size_t row,
                       const double* means, const std::vector<IndicatorLink>& links);

/// The distance of a proposal from the data: sqrt(D / n), D the deviance of the n fitted rows under the
/// observation model — the sum of squared standardised residuals ((y - E[y]) / noise_sd)^2 of normal
/// indicators, and -2 log of a yes/no indicator's Bernoulli probability — so that exp(-n d^2 / 2) is the
/// likelihood up to a constant. Reads only ResolvedCalibration::fit_rows(): no row after the cut-off.
double distance_to_data(const ResolvedCalibration& c, const ObservationPlan& plan, const double* means,
                        const std::vector<IndicatorLink>& links);

/// What a calibration's journals and meta.json record of its inputs: the version and the SHA-256 of the
/// calibration file, scenario, model, observation model and observed data. MPI ranks compare it.
io::JournalHeader calibration_identity(const ResolvedCalibration& c);

/// Unless `resume`: an InputError if `dir` holds the batch journals of an unfinished calibration
/// (gen-GGG-batch-BBBB.hsj), which a new calibration there would mix with its own.
void refuse_unfinished_calibration(const std::string& dir, bool resume);

/// How a calibration is computed. One process: the defaults. Under MPI, rank 0 coordinates (`execute` hands
/// chunks out; `share` sends each batch's results to the other ranks) and every other rank is `serving`:
/// it computes the chunks rank 0 hands it (`serve`) and receives the results (`share`), so that it replays
/// the same generations; it writes nothing.
struct CalibrateOptions {
  std::string out_dir{};
  ChunkExecutor execute = run_chunks;
  bool serving = false;
  std::function<void(const WorkPlan&, const PointEvaluator&)> serve{};
  std::function<bool(bool finished, std::vector<double>& values)> share{};
  int threads = 1;
  bool resume = false;
  bool progress = false;
  const std::atomic<bool>* stop = nullptr;
  std::string command_line{};
};

struct CalibrationRun {
  AbcResult abc;
  Population posterior;  ///< the posterior sample: the last tempering move (or, untempered, the last ABC
                         ///< generation weighted by the likelihood)
  /// log p(data | model) up to the observation model's constant (the same for any model fitted to the same
  /// rows): the tempering's estimate (abc.hpp), or, untempered, the log of the mean likelihood
  /// exp(-n d^2 / 2) over the prior's generation. Differences between calibrations of rival models are log
  /// Bayes factors.
  double log_evidence = 0;
  bool finished = false;           ///< false: stopped; the finished batches' journals wait for --resume
  std::vector<std::string> files;  ///< written when finished
};

/// Runs (or resumes) the calibration and writes its outputs into options.out_dir. InputError when the
/// directory holds another calibration's journals and resume is false.
CalibrationRun run_calibration(const ResolvedCalibration& c, const CalibrateOptions& options);

}  // namespace hedgesim::calibration
