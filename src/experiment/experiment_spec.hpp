// Experiment files (`experiments/*.toml`, docs/experiment-format.md): which scenario to run, how often, which
// parameters a design varies over which ranges, and which named numbers (metrics) to compute from each run.
// load_experiment() reads and checks the file's own structure; check_parameters() and resolve_metrics() check
// it against the scenario's model and turn names and dates into indices and steps. Every mistake is an
// InputError at the offending key (`file:line:col: what is wrong and what is allowed`).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/sensitivity.hpp"
#include "model/compiled_model.hpp"
#include "model/spec.hpp"
#include "model/toml_reader.hpp"

namespace hedgesim {

// ---- names of allowed values (one place, used by the loader's messages and the docs' tables) --------------

/// How design points are chosen. `none`: no [design] table (a file read for its metrics only).
enum class DesignKind : std::uint8_t { none, grid, lhs, morris, sobol };
inline constexpr std::array<std::string_view, 5> kDesignKindNames = {"none", "grid", "lhs", "morris",
                                                                     "sobol"};

/// How a parameter's values are spread over its [min, max].
enum class Distribution : std::uint8_t { uniform, loguniform, normal };
inline constexpr std::array<std::string_view, 3> kDistributionNames = {"uniform", "loguniform", "normal"};

/// What a metric computes from one variable of one agent over a run (see MetricDef for the exact rules).
/// `series` is a time series: resolve_metrics turns it into one `at` metric per sampled date.
enum class Statistic : std::uint8_t { at, final, mean, min, max, first_below, first_above, series };
inline constexpr std::array<std::string_view, 8> kStatisticNames = {
    "at", "final", "mean", "min", "max", "first_below", "first_above", "series"};

/// A series samples at most this many dates (each becomes a metric in every output row).
inline constexpr int kMaxSeriesSamples = 1000;

/// The pseudo-variable of a metric on a hedger: signal - substance (how far words run ahead of deeds).
inline constexpr std::string_view kGapVariable = "gap";

std::string design_kind_name(DesignKind k);
std::string distribution_name(Distribution d);
std::string statistic_name(Statistic s);
/// The names a file may write for `kind` (without "none", which is written by leaving out [design]).
std::vector<std::string> design_kind_names();
std::vector<std::string> distribution_names();
std::vector<std::string> statistic_names();

// ---- limits
// ------------------------------------------------------------------------------------------------

inline constexpr std::int64_t kMaxReplicates = 100000;
inline constexpr std::int64_t kMaxChunkPoints = 1000000;
inline constexpr std::int64_t kMaxSamples = 1000000;
inline constexpr std::int64_t kMaxGridLevels = 1000;
inline constexpr std::int64_t kMaxMorrisLevels = 100;
inline constexpr std::int64_t kMaxBootstrap = 100000;
inline constexpr std::int64_t kMaxDesignPoints = 10000000;  ///< design_points() of a loadable file
inline constexpr std::size_t kMaxMetricNameLength = 64;

// ---- the file, as read
// -------------------------------------------------------------------------------------

/// One parameter a design varies (a `[[parameters]]` entry), like a row of SALib's problem definition.
struct ParameterAxis {
  std::string name;
  double lo = 0.0, hi = 0.0;  ///< `min`, `max`: lo < hi, inside the model's allowed range
  Distribution dist = Distribution::uniform;
  double mean = 0.0, sd = 0.0;  ///< normal only (0 otherwise): the untruncated normal's mean and sd
  SourcePos pos;                ///< the [[parameters]] table
  SourcePos name_pos, min_pos, max_pos;

  /// The parameter value at the unit coordinate u in [0, 1] (clamped), by the inverse CDF of the
  /// distribution on [lo, hi]: uniform lo + u (hi - lo); loguniform lo (hi / lo)^u; normal the quantile of
  /// N(mean, sd) truncated to [lo, hi]. Monotone in u; value_at(0) = lo and value_at(1) = hi.
  double value_at(double u) const;
};

/// One `[[metrics]]` entry, names and dates not yet checked against the model.
struct MetricSpec {
  std::string name;      ///< [a-z0-9_]+, unique in the file
  std::string agent;     ///< an agent id of the model (checked by resolve_metrics)
  std::string variable;  ///< a variable name (kVarInfo) or "gap"
  Statistic stat = Statistic::mean;
  std::optional<Date> date;      ///< statistic `at` only (required there)
  std::optional<Date> from, to;  ///< window of mean/min/max/first_*; absent = scenario start / end
  double threshold = 0.0;        ///< first_below / first_above only (required there)
  int every_days = 0;            ///< series only: days between samples; 0 = every recorded step
  SourcePos pos;                 ///< the [[metrics]] table
  SourcePos name_pos, agent_pos, variable_pos, date_pos, from_pos, to_pos, every_pos;
};

struct ExperimentSpec {
  std::string file;           ///< the experiment file as given
  std::string name;           ///< [experiment] name, default the file name without extension
  std::string scenario_path;  ///< resolved relative to the experiment file's directory
  SourcePos scenario_pos;
  std::uint64_t seed = 0;
  int replicates = 1;    ///< runs per design point
  int chunk_points = 0;  ///< design points per chunk of work; 0 = automatic
  DesignKind design = DesignKind::none;
  SourcePos design_pos;       ///< the [design] table (or the file's 1:1 without one)
  int samples = 0;            ///< lhs: points; sobol: base samples N; morris: trajectories; 0 otherwise
  int levels = 0;             ///< grid: levels per parameter; morris: grid levels (default 4); 0 otherwise
  bool second_order = false;  ///< sobol only
  S1Estimator s1_estimator = S1Estimator::saltelli2010;  ///< sobol only
  int bootstrap = 1000;      ///< resamples for confidence intervals (morris, sobol)
  double confidence = 0.95;  ///< level of those intervals, in (0, 1)
  std::vector<ParameterAxis> parameters;
  std::vector<MetricSpec> metrics;
};

/// Reads and checks an experiment file: TOML syntax, keys, types, ranges, the keys each design kind and
/// statistic allows, distributions, duplicate names, that the scenario file exists. Does not read the
/// scenario or its model (see check_parameters, resolve_metrics, load_and_resolve_experiment).
ExperimentSpec load_experiment(const std::string& path);

/// load_experiment of text already in memory: `path` names it in messages, and its `scenario` is relative
/// to the path's directory (which must hold that scenario: its existence is checked).
ExperimentSpec parse_experiment(std::string_view text, const std::string& path);

/// Number of design points: grid levels^k, lhs samples, morris samples * (k + 1), sobol samples * (k + 2)
/// (samples * (2k + 2) with second_order), where k is the number of parameters; 1 without a design (the
/// scenario as it is). Saturates at INT64_MAX.
std::int64_t design_points(const ExperimentSpec& e);

/// Checks the swept parameters against the model: each is a parameter of the model, not `step_days`, and
/// its [min, max] lies inside the model's allowed range. Throws InputError at the offending key.
void check_parameters(const ExperimentSpec& e, const ModelSpec& model);
/// check_parameters of any list of axes (a calibration's priors).
void check_parameter_axes(const std::vector<ParameterAxis>& axes, const ModelSpec& model);

/// One `[[parameters]]` table (name, min, max, distribution, mean, sd, and `extra_keys` the caller reads
/// itself), checked on its own; `seen` holds the names read so far, to refuse a repeat. The reader of
/// experiment files and calibration files alike.
ParameterAxis read_parameter_axis(const toml_io::TableReader& in, std::set<std::string>& seen,
                                  const std::vector<std::string>& extra_keys = {});

// ---- metrics against a compiled model
// ----------------------------------------------------------------------

/// A metric resolved against a compiled model. Steps are indices of the recorded states: the state at step
/// k (0 = initial, ..., m.steps) is dated m.date_of_step(k) = start + k * step_days.
///   at:          the value at step_at = (date - start) / step_days (the last recorded step dated <= date);
///   final:       the value at step_at = m.steps;
///   mean/min/max over the steps step_from..step_to: those with from <= date_of_step(k) <= to;
///   first_below / first_above: the number of days from `from` to the date of the first step of the window
///                whose value is strictly below / above `threshold`; if no step crosses it, censored_days =
///                (to - from) + step_days.
///   series:      becomes one `at` metric per sampled step of the window from..to: the window's first step
///                and every ceil(every / step_days)-th step after it, each named <name>_<YYYYMMDD> after its
///                step's date, with `series` = <name>.
/// For at and final, step_from = step_to = step_at; for the window statistics step_at = -1.
struct MetricDef {
  std::string name;
  int agent = 0;       ///< index in compiled order (CompiledModel::agent_ids)
  int row = 0;         ///< the state row read (CompiledModel::slots); for "gap", the signal's row
  int minus_row = -1;  ///< "gap" only: the row subtracted (substance); -1 otherwise
  Statistic stat = Statistic::mean;
  int step_at = -1, step_from = 0, step_to = 0;
  Date from, to;  ///< the window with defaults filled in (at/final: the date of step_at)
  double threshold = 0.0;
  int censored_days = 0;  ///< first_below / first_above: value when never crossed; 0 otherwise
  std::string series;     ///< the series this `at` metric samples (its [[metrics]] name); empty otherwise
};

/// Resolves metrics against a compiled model: agent ids to indices, variables to indices (checking that the
/// agent's kind carries the variable, and that "gap" is asked of a hedger), dates to steps (inside the
/// scenario's [start, end]; a window must hold at least one recorded step). Throws InputError at the key.
std::vector<MetricDef> resolve_metrics(const std::vector<MetricSpec>& metrics, const CompiledModel& m);

/// An experiment ready to run: the file, its scenario compiled against its model, and its metrics resolved.
struct ResolvedExperiment {
  ExperimentSpec spec;
  CompiledModel model;  ///< the scenario as written (no design point applied)
  std::vector<MetricDef> metrics;
};

/// load_experiment + load_and_compile(scenario) + check_parameters + resolve_metrics.
ResolvedExperiment load_and_resolve_experiment(const std::string& path);

}  // namespace hedgesim
