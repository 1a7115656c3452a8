// results: the values hedgesim's output files hold, and their one reader. This first part is the meta.json
// of a run set (`hedgesim run`), which every report reads: `plot` for its title and agents, `report` for the
// provenance and the time grid too. (Its writer is still experiment/run_outputs; the sweep's and compare's
// meta.json are next.)
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/compiled_model.hpp"
#include "model/date.hpp"
#include "model/input_error.hpp"

namespace hedgesim::results {

/// An agent as meta.json lists it (or as a compiled model holds it: agents_of).
struct RunAgent {
  std::string id, name, kind;
  std::string seat;  ///< where it sits ("Moscow"); its name if meta.json gives none
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
  std::vector<RunAgent> agents;

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

/// Reads DIR/meta.json. InputError (file:line:col for invalid JSON) if it is not JSON, has neither a
/// scenario name nor a scenario, or lacks its agents (each with text fields id, name and kind).
RunMeta read_run_meta(const std::string& dir);

/// The run's time grid: `start` (a date), `step_days` (1 to 3660) and `steps` (0 to 100,000, so that no
/// step's date overflows). InputError naming the first field missing or out of range.
TimeGrid time_grid(const RunMeta& meta);

/// nlohmann reports the byte offset of a syntax error; the user wants line and column.
SourcePos position_of_byte(const std::string& file, const std::string& text, std::size_t byte);

}  // namespace hedgesim::results
