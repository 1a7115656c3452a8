// results: the values hedgesim's output files hold, and their one writer and reader. This first part is the
// meta.json of a run set (`hedgesim run`): written by experiment/run_outputs through render_run_meta, and
// read by every report (`plot` for its title and agents, `report` for the provenance and the time grid too,
// `explain` and the poles' names for the agents). The sweep's and compare's meta.json are next.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/compiled_model.hpp"
#include "model/date.hpp"
#include "model/input_error.hpp"
#include "results/build_info.hpp"
#include "results/meta_json.hpp"
#include "results/run_files.hpp"

namespace hedgesim::results {

/// An agent as meta.json lists it (or as a compiled model holds it: agents_of).
struct RunAgent {
  std::string id, name, kind;
  std::string seat;  ///< where it sits (its capital, as texts name it); its name if meta.json gives none
  int pole = 0;      ///< a patron's pole, +1 (west) or -1 (east); 0 for a hedger
};

/// The agents of a compiled model as meta.json lists them: the same values from memory.
std::vector<RunAgent> agents_of(const CompiledModel& m);

/// A run set's meta.json, as read.
struct RunMeta {
  std::string file;            ///< where it was read from (messages name it)
  nlohmann::json json;         ///< as written: provenance fields are shown as they are
  std::string scenario_name;   ///< the scenario's own name, or its file's stem for files without one
  std::string scenario_title;  ///< may be empty
  long long replicates = 1;
  std::optional<std::uint64_t> seed;  ///< absent in files that do not record one
  std::string version, commit;        ///< of the program that wrote the runs; empty if not recorded
  std::vector<RunAgent> agents;

  /// "seed 42 · 200 replicates · hedgesim 0.9.0 (commit 1a2b3c4d5e6f)": what a figure drawn from the runs
  /// prints in its footer, so that a picture without its directory still says how it was made.
  std::string provenance_line() const;

  const RunAgent* find(const std::string& id) const;
};

/// The time grid of a run (start date, days per step, steps), which a report needs to date events.
struct TimeGrid {
  Date start;
  int step_days = 1;
  int steps = 0;
  Date date_of_step(int k) const { return Date{start.days + k * step_days}; }
  Date last_date() const { return date_of_step(steps); }
};

/// What `hedgesim run` records of how its runs were made, besides the model and scenario.
struct RunInfo {
  std::uint64_t seed = 0;
  std::string command_line;
  RunFiles files{};  ///< which files are written, and whether gzip'd
};

/// The text of the meta.json of `replicates` runs of `m` (docs/output-format.md): version, commit, scenario
/// and model with their SHA-256 (and the chain of scenarios it starts from), seed, replicates, the time grid,
/// the agents, every parameter's value and the command line.
std::string render_run_meta(const CompiledModel& m, std::size_t replicates, const RunInfo& info);

/// Reads DIR/meta.json. InputError (file:line:col for invalid JSON) if it is not JSON, has neither a
/// scenario name nor a scenario, or lacks its agents (each with text fields id, name and kind).
RunMeta read_run_meta(const std::string& dir);

/// The run's time grid: `start` (a date), `step_days` (1 to 3660) and `steps` (0 to 100,000, so that no
/// step's date overflows). InputError naming the first field missing or out of range.
TimeGrid time_grid(const RunMeta& meta);

/// nlohmann reports the byte offset of a syntax error; the user wants line and column.
SourcePos position_of_byte(const std::string& file, const std::string& text, std::size_t byte);

}  // namespace hedgesim::results
