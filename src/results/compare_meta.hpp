// results: the meta.json of a comparison (`hedgesim compare`, written by experiment/compare.cpp), as read by
// the figure drawn from it: the two scenarios, the agents, the events only one of them has, the metrics and
// their file, and the provenance the figure prints at its foot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/date.hpp"
#include "results/run_meta.hpp"

namespace hedgesim::results {

/// An event that one scenario of the pair has and the other lacks.
struct OneSidedEvent {
  Date date;
  std::string label, actor;  ///< label: the event's label, or its type when it has none
  char scenario = 'A';       ///< 'A' or 'B': the scenario that has it
};

struct CompareMeta {
  std::string file;
  std::string a_path, b_path;  ///< the scenario files as given; empty if not recorded
  std::string a_name, b_name;  ///< their names, or their files' stems, or "A" and "B"
  std::optional<std::uint64_t> seed;
  long long replicates = -1;  ///< -1: not recorded
  std::string version, commit;
  std::vector<RunAgent> agents;       ///< may be empty in files that do not list them
  std::vector<OneSidedEvent> events;  ///< events_a then events_b, sorted by date (stable)
  std::vector<std::string> metrics;
  std::string metrics_file;  ///< empty for the default metrics

  /// "compare veto-2019 vs no-veto-2019 · seed 2019 · 200 replicates · hedgesim 0.1.0 (commit …)".
  std::string provenance_line() const;
};

/// Reads DIR/meta.json. InputError if it is missing (naming `hedgesim compare`), not JSON (at its line and
/// column), not an object, the meta.json of another command, or holds an agent without a text 'id' or an
/// event list that is not a list of events with dates.
CompareMeta read_compare_meta(const std::string& dir);

}  // namespace hedgesim::results
