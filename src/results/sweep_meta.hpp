// The meta.json of a sweep (`hedgesim sweep`, written by experiment/sweep.cpp's write_meta), as read by the
// figures drawn from it: what was swept (each parameter's name and real range), which metrics, by which
// design, and the provenance a figure prints at its foot (experiment, seed, replicates, version, commit).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hedgesim::results {

/// A swept parameter as meta.json lists it: its range in the model's units (not the unit cube).
struct SweepParameter {
  std::string name;
  double min = 0, max = 0;
  std::string distribution;  ///< "uniform", "normal", "loguniform", ...; empty if not recorded
};

/// A sweep's meta.json, as read.
struct SweepMeta {
  std::string file;             ///< where it was read from (messages name it)
  std::string experiment_name;  ///< the experiment's name, or the directory's name if not recorded
  std::string design;           ///< "grid", "lhs", "morris" or "sobol"; empty if not recorded
  std::optional<std::uint64_t> seed;
  long long replicates = -1, points = -1, runs = -1;  ///< -1: not recorded
  long long samples = -1, bootstrap = -1;             ///< the design's size and resamples; -1: not recorded
  double confidence = 0.95;                           ///< of the indices' intervals; 0.95 if not recorded
  std::string s1_estimator;                           ///< Sobol: "saltelli2010" or "janon2014"; may be empty
  std::string version, commit;                        ///< of the program that ran the sweep; may be empty
  std::vector<SweepParameter> parameters;             ///< in the experiment file's order
  std::vector<std::string> metrics;                   ///< in the experiment file's order

  /// "experiment quick-lhs · seed 32 · 5 replicates · hedgesim 0.1.0 (commit 1a2b3c4d5e6f)": what a figure
  /// of the sweep prints at its foot, so that a picture without its directory still says how it was made.
  std::string provenance_line() const;
  const SweepParameter* find(const std::string& name) const;
};

/// Reads DIR/meta.json. InputError (file:line:col for invalid JSON) if it is missing, not a JSON object, the
/// meta.json of another command (its "kind"), or lacks the list 'parameters' (each with a text 'name' and
/// numbers 'min' <= 'max') or the list 'metrics' (texts).
SweepMeta read_sweep_meta(const std::string& dir);

}  // namespace hedgesim::results
