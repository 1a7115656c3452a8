// `hedgesim explain`: plain sentences, for a student, about why one agent's signal and substance moved over a
// window of a finished run. It reads the run directory (trajectory.csv for the values, attribution.csv for
// what moved them, events.csv for the events' labels) and names the largest contributions: the model's
// mechanisms in the words of mechanisms_catalog.hpp, scenario events by their labels. The same text can be
// had from runs held in memory (what `hedgesim serve` does for a browser), without writing the files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "model/date.hpp"

namespace hedgesim::report {

struct ExplainOptions {
  std::string dir;           ///< the run directory written by `hedgesim run`
  std::string agent;         ///< agent id as in trajectory.csv
  std::optional<Date> from;  ///< window start; default: the run's first date
  std::optional<Date> to;    ///< window end; default: the run's last date
  int top = 5;               ///< how many contributions to name per variable
};

/// The explanation as text (several lines, ending with a newline). For a hedger it covers signal and
/// substance (plus grievance and courting at the window's end); for another agent, the variables it carries.
/// The window is widened to whole steps: from the last step dated on or before `from` to the first step
/// dated on or after `to`. With several runs, values and contributions are means over the runs.
/// Throws InputError for an unknown agent (with a suggestion), a window outside the run or reversed, a top
/// below 1, and missing or malformed files.
std::string explain(const ExplainOptions& options);

/// The same text for `runs` of `m` held in memory (recorded with attribution; without it the text says that
/// nothing was recorded, as for a run directory written with --no-attribution): what the files of `hedgesim
/// run` with these runs would give, to the bit, without writing or reading them. `options.dir` is not used.
std::string explain(const CompiledModel& m, const std::vector<RunOutput>& runs,
                    const ExplainOptions& options);

}  // namespace hedgesim::report
