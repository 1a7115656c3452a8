// `hedgesim attribute`: what each event of a scenario did to each metric (docs/experiments.md, "Which event
// mattered"). The events are the players of a cooperative game whose value v_r(S) is a metric of replicate r
// of the scenario with only the events S of the players present (the others removed; events that are not
// players always present). Two answers per event i, both per replicate and then averaged with a percentile-
// bootstrap interval over replicates:
//   knock-out    k_i = v(N) - v(N \ {i})             what removing the event alone changes
//   Shapley      phi_i = sum_S w(|S|) [v(S + i) - v(S)], w(s) = s! (n - s - 1)! / n!   (Shapley 1953)
//   interaction  phi_i - k_i                          zero for every event when the events add up
// Shapley values are exact over all 2^n coalitions up to `exact_limit` players, and otherwise estimated over
// sampled permutations (Castro et al. 2009), with the estimate's standard error over permutations reported
// and added (in quadrature) to the Shapley and interaction intervals.
// Every coalition is run with the same random streams (common random numbers), which is what makes the
// differences precise; `common_random_numbers = false` gives each coalition its own streams, for the
// measurement of that gain.
// The coalitions are the design points of a WorkPlan (one column per player, 1 when present, and a last
// column with the coalition's first random stream), run by the experiments runner: threads, MPI ranks and a
// journal, so that a killed or interrupted attribution resumes where it stopped, with the same bytes.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "experiment/experiment_spec.hpp"
#include "experiment/runner.hpp"
#include "experiment/sensitivity.hpp"
#include "model/compiled_model.hpp"

namespace hedgesim {

struct AttributeOptions {
  int replicates = 200;
  std::uint64_t seed = 0;
  int threads = 1;
  /// The players, by event id; empty: every event of the scenario.
  std::vector<std::string> events;
  int exact_limit = 12;    ///< exact Shapley values up to this many players
  int permutations = 200;  ///< sampled permutations beyond it
  int bootstrap = 2000;
  double confidence = 0.95;
  bool common_random_numbers = true;
  // The job. The journal of finished coalitions lives in `journal_dir` (attribute-journal.hsj); empty: in a
  // scratch directory removed at the end (nothing to resume).
  std::string journal_dir{};
  bool resume = false;    ///< resume the journal in journal_dir (refused without it: InputError)
  bool progress = false;  ///< a progress bar (runs) on stderr
  const std::atomic<bool>* stop = nullptr;  ///< e.g. set by SIGINT: stop after the chunks in flight
  ChunkExecutor execute = run_chunks;       ///< who computes the chunks (mpi::coordinate_chunks on rank 0)
  /// Set on an MPI rank other than 0: it computes the chunks rank 0 hands out and attribute returns nothing.
  std::function<void(const WorkPlan&, const PointEvaluator&)> serve{};
};

/// Each a mean over replicates (`value`) and its percentile-bootstrap interval [lo, hi].
struct EventEffect {
  Estimate knockout, shapley, interaction;
  /// Sampled permutations only: the standard error of the Shapley estimate over permutations; 0 if exact.
  double permutation_se = 0;
};

struct AttributeResult {
  struct Player {
    std::size_t event = 0;  ///< index in the scenario's events
    std::string id, label;
    Date date;
  };
  std::vector<Player> players;
  std::vector<std::string> metrics;
  bool exact = true;
  int permutations = 0;              ///< sampled permutations (0 when exact)
  std::int64_t coalitions = 0;       ///< coalitions run, each `replicates` runs
  std::vector<double> all, none;     ///< per metric: mean of v(N) and of v(empty set)
  std::vector<EventEffect> effects;  ///< [player * metrics + metric]
  bool finished = true;              ///< false: stopped early; the journal keeps the finished chunks
  std::int64_t chunks = 0, chunks_done = 0;
  std::string journal;  ///< its path, unless in a scratch directory
  const EventEffect& effect(std::size_t player, std::size_t metric) const {
    return effects[player * metrics.size() + metric];
  }
};

/// The journal's file name in AttributeOptions::journal_dir.
inline constexpr const char* kAttributeJournal = "attribute-journal.hsj";

/// InputError (at the journal) when `dir` holds an unfinished attribution's journal and `resume` is false.
void refuse_unfinished_attribution(const std::string& dir, bool resume);

/// The coalitions an attribution runs: exactly all 2^n when n <= exact_limit, else the knock-outs, all,
/// none and every sampled permutation's inner prefixes. What a progress bar or a memory check can count.
std::int64_t attribute_coalitions(std::int64_t players, const AttributeOptions& options);

/// What identifies an attribution (its journal's header; what MPI ranks must agree on): the version, the
/// SHA-256 of scenario and model, the seed, the players, the metrics' definitions and the method. Throws
/// InputError as attribute does for unknown players.
io::JournalHeader attribute_identity(const ModelSpec& spec, const Scenario& base,
                                     const std::vector<MetricDef>& metrics, const AttributeOptions& options);

/// Attributes the metrics of `base` (run on `spec`) to its events. Throws InputError (at "<command line>")
/// for an unknown player id or fewer than one player, and (at the journal) for an unfinished journal in
/// journal_dir without `resume`, or a journal of another attribution. Stopped early: `finished` is false and
/// no effect is computed. On a serving MPI rank (options.serve set): an empty result.
AttributeResult attribute(const ModelSpec& spec, const Scenario& base, const std::vector<MetricDef>& metrics,
                          const AttributeOptions& options);

/// Writes event-effects.csv and meta.json into `dir`, then removes the journal they came from (r.journal);
/// returns the paths.
std::vector<std::string> write_attribute_outputs(const CompiledModel& base, const AttributeResult& r,
                                                 const AttributeOptions& options, const std::string& dir,
                                                 const std::string& command_line);

/// The table the CLI prints: per metric, the events ordered by |Shapley|, with both effects and intervals.
std::string render_attribute_table(const AttributeResult& r, const AttributeOptions& options);

}  // namespace hedgesim
